#ifndef GONGSPOOL_BUILD_INFO_H
#define GONGSPOOL_BUILD_INFO_H

/// The git commit the binary was built from, when the build passed it
/// (`-Xcc -DGONGSPOOL_COMMIT=\"abc1234\"`, as scripts/package.sh and install.sh do); "" otherwise.
const char *gongspool_build_commit(void);

#endif
