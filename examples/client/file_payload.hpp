#pragma once
// A payload_source reading a regular file with pread. In the client library rather than in
// mqttwire-pub because the broker's tests and load generator publish large files too; the
// session itself stays free of I/O and sees only payload_source.
#include <memory>
#include <string>

#include "client/payload_source.hpp"

namespace mqttwire::client {

class file_payload final : public payload_source {
public:
    /**
     * Opens `path`; nullptr when it cannot be opened or is not a regular file (a pipe or a
     * terminal cannot be read again from the start for a resend: read those whole instead).
     */
    [[nodiscard]] static std::unique_ptr<file_payload> open(const std::string& path);
    file_payload(const file_payload&) = delete;
    file_payload& operator=(const file_payload&) = delete;
    ~file_payload() override;

    [[nodiscard]] std::size_t size() const override { return size_; }
    [[nodiscard]] std::optional<std::size_t> read(std::size_t offset,
                                                  std::span<std::byte> out) override;

private:
    file_payload(int fd, std::size_t size) : fd_(fd), size_(size) {}
    int fd_;
    std::size_t size_;
};

}  // namespace mqttwire::client
