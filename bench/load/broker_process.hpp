#pragma once
// A broker under load: started as a child process on a free loopback port, watched through
// /proc (CPU seconds, resident memory), stopped at the end. Knows nothing of MQTT.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mqttwire::load {

/** A loopback TCP port nobody listens on now (bound to port 0, then released). */
std::uint16_t free_loopback_port();

class broker_process {
public:
    broker_process() = default;
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;
    ~broker_process() { stop(); }

    /**
     * Starts `argv` (argv[0] a path) with stdout and stderr to `log_path`, and waits until
     * `port` on 127.0.0.1 accepts a connection, at most `timeout`. False with error() set.
     */
    bool start(const std::vector<std::string>& argv, std::uint16_t port,
               const std::string& log_path, std::chrono::milliseconds timeout);
    /** SIGTERM, then SIGKILL if it has not exited within two seconds. */
    void stop();

    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    /** User + system CPU time the process has used, in seconds. */
    [[nodiscard]] double cpu_seconds() const;
    /** Resident set size (VmRSS) in KiB. */
    [[nodiscard]] long resident_kib() const;

private:
    pid_t pid_ = -1;
    std::string error_{};
};

}  // namespace mqttwire::load
