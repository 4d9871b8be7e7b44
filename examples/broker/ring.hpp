#pragma once
// A FIFO for the per-session and per-connection queues: std::deque allocates about 576 bytes
// as soon as it is constructed (libstdc++), which 10,000 idle sessions with two queues each
// pay for nothing. This ring holds no storage until the first push, grows by doubling, and
// gives its storage back when it empties while holding more than a few elements, so a queue
// that once held a backlog shrinks back.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>

namespace mqttwire::broker {

template <class T>
class ring {
public:
    ring() = default;
    ring(const ring&) = delete;
    ring& operator=(const ring&) = delete;
    ~ring() {
        clear();
        release();
    }

    template <class Ring, class Value>
    class basic_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = Value*;
        using reference = Value&;

        basic_iterator() = default;
        basic_iterator(Ring* r, std::size_t i) : r_(r), i_(i) {}
        reference operator*() const { return (*r_)[i_]; }
        pointer operator->() const { return &(*r_)[i_]; }
        basic_iterator& operator++() {
            ++i_;
            return *this;
        }
        basic_iterator operator++(int) {
            basic_iterator old = *this;
            ++i_;
            return old;
        }
        friend bool operator==(const basic_iterator& a, const basic_iterator& b) {
            return a.i_ == b.i_;
        }
        [[nodiscard]] std::size_t index() const { return i_; }

    private:
        Ring* r_ = nullptr;
        std::size_t i_ = 0;
    };
    using iterator = basic_iterator<ring, T>;
    using const_iterator = basic_iterator<const ring, const T>;

    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::size_t capacity() const { return capacity_; }

    T& operator[](std::size_t i) { return data_[slot(i)]; }
    const T& operator[](std::size_t i) const { return data_[slot(i)]; }
    T& front() { return data_[head_]; }
    const T& front() const { return data_[head_]; }
    T& back() { return (*this)[size_ - 1]; }

    iterator begin() { return {this, 0}; }
    iterator end() { return {this, size_}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

    void push_back(T value) {
        if (size_ == capacity_) grow();
        ::new (static_cast<void*>(data_ + slot(size_))) T(std::move(value));
        ++size_;
    }

    void pop_front() {
        std::destroy_at(data_ + head_);
        head_ = slot(1);
        --size_;
        if (size_ == 0) emptied();
    }

    /** Removes the element at `it`, keeping the order: the front one costs nothing more. */
    void erase(iterator it) {
        std::size_t i = it.index();
        if (i == 0) {
            pop_front();
            return;
        }
        for (; i + 1 < size_; ++i) (*this)[i] = std::move((*this)[i + 1]);
        std::destroy_at(&back());
        --size_;
    }

    void clear() {
        while (size_ != 0) {
            std::destroy_at(data_ + head_);
            head_ = slot(1);
            --size_;
        }
        emptied();
    }

private:
    /** Storage kept when the ring empties: a small window is reused, a backlog is released. */
    static constexpr std::size_t keep_capacity = 16;

    [[nodiscard]] std::uint32_t slot(std::size_t i) const {
        const std::size_t s = head_ + i;
        return static_cast<std::uint32_t>(s >= capacity_ ? s - capacity_ : s);
    }

    void emptied() {
        head_ = 0;
        if (capacity_ > keep_capacity) release();
    }

    void release() {
        if (data_) std::allocator<T>{}.deallocate(data_, capacity_);
        data_ = nullptr;
        capacity_ = 0;
        head_ = 0;
    }

    void grow() {
        const std::uint32_t bigger = capacity_ == 0 ? 4u : capacity_ * 2u;
        T* fresh = std::allocator<T>{}.allocate(bigger);
        for (std::size_t i = 0; i < size_; ++i) {
            T& old = (*this)[i];
            ::new (static_cast<void*>(fresh + i)) T(std::move(old));
            std::destroy_at(&old);
        }
        if (data_) std::allocator<T>{}.deallocate(data_, capacity_);
        data_ = fresh;
        capacity_ = bigger;
        head_ = 0;
    }

    // 32-bit counts keep the ring at 24 bytes: a queue is bounded far below 2^32 entries.
    T* data_ = nullptr;
    std::uint32_t head_ = 0;
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 0;
};

}  // namespace mqttwire::broker
