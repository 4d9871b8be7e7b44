// Input placed so that its last byte is the last readable byte before a PROT_NONE page: any
// read past the end of the input faults (picohttpparser's test.c does the same).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <span>

namespace mqttwire_test {

class guarded_page {
public:
    guarded_page() {
        const long size = ::sysconf(_SC_PAGESIZE);
        page_ = size > 0 ? static_cast<std::size_t>(size) : 4096;
        void* base = ::mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) return;
        base_ = static_cast<unsigned char*>(base);
        if (::mprotect(base_ + page_, page_, PROT_NONE) != 0) {
            ::munmap(base_, 2 * page_);
            base_ = nullptr;
        }
    }
    ~guarded_page() {
        if (base_ != nullptr) ::munmap(base_, 2 * page_);
    }
    guarded_page(const guarded_page&) = delete;
    guarded_page& operator=(const guarded_page&) = delete;

    [[nodiscard]] bool ok() const noexcept { return base_ != nullptr; }
    [[nodiscard]] std::size_t page_size() const noexcept { return page_; }

    /** Copies `bytes` to end exactly at the protected page; returns the copy. */
    std::span<const unsigned char> place(std::span<const unsigned char> bytes) {
        unsigned char* at = base_ + page_ - bytes.size();
        if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
        return {at, bytes.size()};
    }
    /** The same, as char (the element type of constexpr decoding). */
    std::span<const char> place_chars(std::span<const unsigned char> bytes) {
        const auto s = place(bytes);
        return {reinterpret_cast<const char*>(s.data()), s.size()};
    }
    /** The same, as std::byte. */
    std::span<const std::byte> place_bytes(std::span<const unsigned char> bytes) {
        const auto s = place(bytes);
        return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
    }

private:
    std::size_t page_ = 0;
    unsigned char* base_ = nullptr;
};

}  // namespace mqttwire_test
