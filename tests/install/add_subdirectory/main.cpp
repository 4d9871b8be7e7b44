// A consumer of mqttwire: includes the umbrella header, built without asking for C++20 itself.
#include <mqttwire/mqttwire.hpp>

#if defined(_MSVC_LANG)
static_assert(_MSVC_LANG >= 202002L, "mqttwire::mqttwire must bring C++20 along");
#else
static_assert(__cplusplus >= 202002L, "mqttwire::mqttwire must bring C++20 along");
#endif

#if defined(EXPECTED_VERSION_MAJOR)
// The version of the package found matches the version in the header.
static_assert(mqttwire::version_major == EXPECTED_VERSION_MAJOR, "version_major mismatch");
static_assert(mqttwire::version_minor == EXPECTED_VERSION_MINOR, "version_minor mismatch");
static_assert(mqttwire::version_patch == EXPECTED_VERSION_PATCH, "version_patch mismatch");
#endif

int main() { return 0; }
