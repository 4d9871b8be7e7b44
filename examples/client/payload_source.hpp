#pragma once
// Where the payload of a streamed PUBLISH comes from: the session pulls it in bounded chunks as
// its output drains, so a payload up to the protocol's 256 MiB is never held whole. Reads are
// by offset, not sequential, because a QoS 1/2 message resent after a reconnect starts over.
#include <cstddef>
#include <optional>
#include <span>

namespace mqttwire::client {

class payload_source {
public:
    virtual ~payload_source() = default;
    /** The payload's size, fixed for the source's life: the PUBLISH header announces it. */
    [[nodiscard]] virtual std::size_t size() const = 0;
    /**
     * Fills up to `out.size()` bytes from `offset` (offset + out.size() <= size()); returns how
     * many were read, at least one, or nullopt when the payload can no longer be read.
     */
    [[nodiscard]] virtual std::optional<std::size_t> read(std::size_t offset,
                                                          std::span<std::byte> out) = 0;
};

}  // namespace mqttwire::client
