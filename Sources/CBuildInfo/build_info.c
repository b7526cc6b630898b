#include "build_info.h"

#ifndef GONGSPOOL_COMMIT
#define GONGSPOOL_COMMIT ""
#endif

const char *gongspool_build_commit(void) {
    return GONGSPOOL_COMMIT;
}
