// Smoke test: the umbrella header compiles on its own and exposes the version.
#include <gtest/gtest.h>

#include <mqttwire/mqttwire.hpp>

static_assert(mqttwire::version_major == 0, "mqttwire is pre-1.0");

TEST(Smoke, VersionMajorIsZero) { EXPECT_EQ(mqttwire::version_major, 0); }
