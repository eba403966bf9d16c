// Compiled with a digest of the golden and diagnostic case files (see
// tests/CMakeLists.txt), so that adding a case relinks the test binary and
// ctest lists the new tests.
extern const char kStackcCliCasesDigest[];
const char kStackcCliCasesDigest[] = STACKC_CLI_CASES_DIGEST;
