// The output queue: own bytes with shared pieces between them, drained in writev order.
#include "broker/output.hpp"

#include <algorithm>
#include <cstring>

namespace mqttwire::broker {

std::span<std::byte> output_queue::append(std::size_t n) {
    const std::size_t at = own_.size();
    own_.resize(at + n);
    pending_ += n;
    return std::span<std::byte>(own_).subspan(at);
}

void output_queue::unappend(std::size_t n) {
    own_.resize(own_.size() - n);
    pending_ -= n;
}

void output_queue::append_shared(message_ptr owner, std::span<const std::byte> bytes) {
    if (bytes.empty()) return;
    shared_.push_back({own_.size(), bytes, std::move(owner)});
    pending_ += bytes.size();
}

std::size_t output_queue::pieces(std::span<std::span<const std::byte>> out) const {
    std::size_t k = 0;
    std::size_t pos = own_sent_;
    const std::span<const std::byte> own(own_);
    for (std::size_t i = 0; i < shared_.size() && k < out.size(); ++i) {
        const shared_piece& p = shared_[i];
        if (pos < p.at) {
            out[k++] = own.subspan(pos, p.at - pos);
            if (k == out.size()) return k;
        }
        out[k++] = i == 0 ? p.bytes.subspan(shared_sent_) : p.bytes;
        pos = p.at;
    }
    if (k < out.size() && pos < own.size()) out[k++] = own.subspan(pos);
    return k;
}

void output_queue::consume(std::size_t n) {
    n = std::min(n, pending_);
    pending_ -= n;
    while (n != 0) {
        const std::size_t limit = shared_.empty() ? own_.size() : shared_.front().at;
        if (own_sent_ < limit) {
            const std::size_t take = std::min(n, limit - own_sent_);
            own_sent_ += take;
            n -= take;
            continue;
        }
        const shared_piece& p = shared_.front();
        const std::size_t take = std::min(n, p.bytes.size() - shared_sent_);
        shared_sent_ += take;
        n -= take;
        if (shared_sent_ == p.bytes.size()) {
            shared_.pop_front();  // the message may go now: no subscriber's bytes point at it
            shared_sent_ = 0;
        }
    }
    if (pending_ == 0) {
        drained();
    } else if (own_sent_ >= 4096 && own_sent_ > own_.size() / 2) {
        // A reader that never catches up: the sent half of the buffer is dropped, so it is
        // bounded by what is unsent rather than by all that was ever queued.
        own_.erase(own_.begin(), own_.begin() + static_cast<std::ptrdiff_t>(own_sent_));
        for (std::size_t i = 0; i < shared_.size(); ++i) shared_[i].at -= own_sent_;
        own_sent_ = 0;
    }
}

void output_queue::drained() {
    shared_.clear();
    shared_sent_ = 0;
    own_.clear();
    own_sent_ = 0;
    if (own_.capacity() > keep_capacity) std::vector<std::byte>().swap(own_);
}

std::span<const std::byte> output_queue::contiguous() {
    if (!shared_.empty()) {
        std::vector<std::byte> flat(pending_);
        std::span<const std::byte> parts[64];
        std::size_t at = 0;
        for (;;) {
            const std::size_t k = pieces(parts);
            if (k == 0) break;
            std::size_t took = 0;
            for (std::size_t i = 0; i < k; ++i) {
                std::memcpy(flat.data() + at, parts[i].data(), parts[i].size());
                at += parts[i].size();
                took += parts[i].size();
            }
            // Walk on without losing the count: consume() lowers pending_, restored below.
            consume(took);
        }
        own_ = std::move(flat);
        own_sent_ = 0;
        pending_ = own_.size();
    }
    return std::span<const std::byte>(own_).subspan(own_sent_);
}

}  // namespace mqttwire::broker
