#pragma once
// A map for the few entries a connection or session holds (Topic Aliases from the client, QoS 2
// messages held until PUBREL): a sorted vector of pairs is 24 bytes and allocates nothing
// while empty, where std::map is 48 bytes in every one of 10,000 idle connections. The subset
// of std::map's interface that the broker uses.
#include <algorithm>
#include <utility>
#include <vector>

namespace mqttwire::broker {

template <class K, class V>
class small_map {
public:
    using value_type = std::pair<K, V>;
    using iterator = typename std::vector<value_type>::iterator;

    iterator begin() { return items_.begin(); }
    iterator end() { return items_.end(); }
    [[nodiscard]] bool empty() const { return items_.empty(); }
    [[nodiscard]] std::size_t size() const { return items_.size(); }

    iterator find(const K& key) {
        const iterator it = lower(key);
        return it != items_.end() && it->first == key ? it : items_.end();
    }
    V& operator[](const K& key) {
        iterator it = lower(key);
        if (it == items_.end() || it->first != key) it = items_.insert(it, {key, V{}});
        return it->second;
    }
    void erase(iterator it) {
        items_.erase(it);
        if (items_.empty()) std::vector<value_type>().swap(items_);  // back to no allocation
    }
    void clear() { std::vector<value_type>().swap(items_); }

private:
    iterator lower(const K& key) {
        return std::lower_bound(items_.begin(), items_.end(), key,
                                [](const value_type& a, const K& k) { return a.first < k; });
    }
    std::vector<value_type> items_{};
};

}  // namespace mqttwire::broker
