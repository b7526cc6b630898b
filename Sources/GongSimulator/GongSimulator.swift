/// The strict Gong simulator (filled in by the delivery work).
enum GongSimulatorModule {}
