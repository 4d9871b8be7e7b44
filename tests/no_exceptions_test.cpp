// Built with exceptions and RTTI turned off (-fno-exceptions -fno-rtti; see tests/CMakeLists.txt
// and tests/meson.build): everything reachable from the umbrella header must compile, and be
// usable, without them. Compiling is most of the test; running it checks nothing more.
#include <mqttwire/mqttwire.hpp>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#error "no_exceptions_test must be compiled with exceptions disabled"
#endif
#if defined(__cpp_rtti) || defined(__GXX_RTTI) || defined(_CPPRTTI)
#error "no_exceptions_test must be compiled with RTTI disabled"
#endif

static_assert(mqttwire::version_major >= 0);

int main() { return 0; }
