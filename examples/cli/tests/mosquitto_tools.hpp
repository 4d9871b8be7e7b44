// Running the installed mosquitto tools from a test: find them, spawn them with stdout and
// stderr in files, wait for them with a bound, and kill (by pid) what is still running.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace mqttwire::cli::test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/** What a test prints when the tools are missing: it fails, it never skips. */
inline constexpr const char* install_hint =
    "install with: apt-get install -y mosquitto mosquitto-clients";

inline std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/usr/sbin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string full = dir + "/" + name;
        if (::access(full.c_str(), X_OK) == 0) return full;
    }
    for (const char* dir : {"/usr/sbin", "/usr/bin"}) {
        const std::string full = std::string(dir) + "/" + name;
        if (::access(full.c_str(), X_OK) == 0) return full;
    }
    return {};
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/** A child process with stdout and stderr in files; killed (by its pid) if still running. */
class child {
public:
    child(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
    }
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    ~child() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGTERM);
            wait_for(2s);
            if (!exited_) {
                ::kill(pid_, SIGKILL);
                wait_for(2s);
            }
        }
    }
    bool started() const { return pid_ > 0; }
    /** Waits at most `limit`; the exit status, or nullopt if it is still running. */
    std::optional<int> wait_for(clock_type::duration limit) {
        const auto end = clock_type::now() + limit;
        while (!exited_) {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                exited_ = true;
                status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (clock_type::now() > end) return std::nullopt;
            std::this_thread::sleep_for(10ms);
        }
        return status_;
    }

private:
    pid_t pid_ = -1;
    bool exited_ = false;
    int status_ = 0;
};

}  // namespace mqttwire::cli::test
