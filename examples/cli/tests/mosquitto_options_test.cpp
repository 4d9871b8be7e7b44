// refusal_cases.hpp against the installed mosquitto_pub and mosquitto_sub: each refused command
// line must make them print exactly the expected text on stderr and exit with status 1, so the
// table options_test holds the parsers to is the real tools' behaviour, not a transcription.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "mosquitto_tools.hpp"
#include "refusal_cases.hpp"

namespace {

using namespace mqttwire::cli::test;

TEST(MosquittoTools, RefuseEachCaseAsTheTableSays) {
    const std::string pub = find_program("mosquitto_pub"), sub = find_program("mosquitto_sub");
    if (pub.empty() || sub.empty())
        FAIL() << "mosquitto_pub or mosquitto_sub not found; " << install_hint;
    char dir_template[] = "/tmp/mqttwire-options-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    for (const refusal_case& c : refusal_cases) {
        const bool is_pub = c.which == program::pub;
        // Port 1: should a case not be refused, the connection fails at once.
        std::vector<std::string> argv{is_pub ? pub : sub, "-p", "1"};
        std::string shown;
        for (const char* a : c.args) {
            argv.emplace_back(a);
            shown += std::string(a) + " ";
        }
        std::optional<int> status;
        {
            child tool(argv, dir + "/out", dir + "/err");
            ASSERT_TRUE(tool.started());
            status = tool.wait_for(5s);
        }
        ASSERT_TRUE(status.has_value()) << shown << ": did not exit";
        EXPECT_EQ(*status, 1) << shown;
        EXPECT_EQ(read_file(dir + "/err"),
                  with_program_name(c.expected_err, is_pub ? "mosquitto_pub" : "mosquitto_sub"))
            << shown;
        EXPECT_EQ(!read_file(dir + "/out").empty(), c.prints_usage) << shown;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

}  // namespace
