#include "client/file_payload.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mqttwire::client {

std::unique_ptr<file_payload> file_payload::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) {
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<file_payload>(new file_payload(fd, static_cast<std::size_t>(st.st_size)));
}

file_payload::~file_payload() { ::close(fd_); }

std::optional<std::size_t> file_payload::read(std::size_t offset, std::span<std::byte> out) {
    for (;;) {
        const ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
        if (n > 0) return static_cast<std::size_t>(n);
        if (n < 0 && errno == EINTR) continue;
        // 0: the file shrank under us; the size announced can no longer be sent.
        return std::nullopt;
    }
}

}  // namespace mqttwire::client
