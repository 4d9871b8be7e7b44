#include "broker/subscriptions.hpp"

#include <algorithm>

namespace mqttwire::broker {

struct subscription_tree::node {
    // std::less<> finds a level by string_view without building a string per lookup.
    std::map<std::string, std::unique_ptr<node>, std::less<>> children{};
    std::unique_ptr<node> plus{};
    std::unique_ptr<node> hash{};
    std::vector<subscriber> subscribers{};
    std::vector<share_group> shared{};

    [[nodiscard]] bool empty() const {
        return children.empty() && !plus && !hash && subscribers.empty() && shared.empty();
    }
};

namespace {

/** The level of `filter` starting at `pos`, and where the next one starts (npos: none). */
struct level {
    std::string_view text;
    std::size_t next;
};

level level_at(std::string_view text, std::size_t pos) {
    const std::size_t slash = text.find('/', pos);
    if (slash == std::string_view::npos) return {text.substr(pos), std::string_view::npos};
    return {text.substr(pos, slash - pos), slash + 1};
}

}  // namespace

subscription_tree::subscription_tree() : root_(std::make_unique<node>()) {}
subscription_tree::~subscription_tree() = default;

subscription_tree::node* subscription_tree::find_or_add(std::string_view filter) {
    node* n = root_.get();
    std::size_t pos = 0;
    while (pos != std::string_view::npos) {
        const level l = level_at(filter, pos);
        std::unique_ptr<node>* slot = nullptr;
        if (l.text == "+") {
            slot = &n->plus;
        } else if (l.text == "#") {
            slot = &n->hash;
        } else {
            auto it = n->children.find(l.text);
            if (it == n->children.end())
                it = n->children.emplace(std::string(l.text), nullptr).first;
            slot = &it->second;
        }
        if (!*slot) *slot = std::make_unique<node>();
        n = slot->get();
        pos = l.next;
    }
    return n;
}

bool subscription_tree::subscribe(session* who, std::string_view share, std::string_view filter,
                                  const subscription_options& options) {
    node* n = find_or_add(filter);
    std::vector<subscriber>* list = &n->subscribers;
    if (!share.empty()) {
        auto group = std::find_if(n->shared.begin(), n->shared.end(),
                                  [&](const share_group& g) { return g.name == share; });
        if (group == n->shared.end()) {
            n->shared.push_back({std::string(share), {}, 0});
            group = n->shared.end() - 1;
        }
        list = &group->members;
    }
    for (subscriber& s : *list) {
        if (s.who == who) {
            s.options = options;  // MQTT-3.8.4-3: replaces the existing subscription
            return false;
        }
    }
    list->push_back({who, options});
    ++count_;
    return true;
}

bool subscription_tree::prune(node& n, std::string_view filter, std::size_t pos) {
    // Depth first along the filter's path: a child left empty is removed on the way back.
    if (pos == std::string_view::npos) return n.empty();
    const level l = level_at(filter, pos);
    std::unique_ptr<node>* slot = nullptr;
    std::map<std::string, std::unique_ptr<node>, std::less<>>::iterator it;
    if (l.text == "+") {
        slot = &n.plus;
    } else if (l.text == "#") {
        slot = &n.hash;
    } else {
        it = n.children.find(l.text);
        if (it == n.children.end()) return n.empty();
        slot = &it->second;
    }
    if (*slot && prune(**slot, filter, l.next)) {
        if (l.text == "+" || l.text == "#")
            slot->reset();
        else
            n.children.erase(it);
    }
    return n.empty();
}

bool subscription_tree::unsubscribe(session* who, std::string_view share,
                                    std::string_view filter) {
    node* n = root_.get();
    for (std::size_t pos = 0; pos != std::string_view::npos && n;) {
        const level l = level_at(filter, pos);
        if (l.text == "+") {
            n = n->plus.get();
        } else if (l.text == "#") {
            n = n->hash.get();
        } else {
            const auto it = n->children.find(l.text);
            n = it == n->children.end() ? nullptr : it->second.get();
        }
        pos = l.next;
    }
    if (!n) return false;
    bool removed = false;
    const auto drop = [&](std::vector<subscriber>& list) {
        const auto it = std::find_if(list.begin(), list.end(),
                                     [&](const subscriber& s) { return s.who == who; });
        if (it == list.end()) return;
        list.erase(it);
        removed = true;
    };
    if (share.empty()) {
        drop(n->subscribers);
    } else {
        const auto group = std::find_if(n->shared.begin(), n->shared.end(),
                                        [&](const share_group& g) { return g.name == share; });
        if (group != n->shared.end()) {
            drop(group->members);
            if (group->members.empty()) n->shared.erase(group);
        }
    }
    if (removed) {
        --count_;
        prune(*root_, filter, 0);
    }
    return removed;
}

void subscription_tree::collect(node& n) {
    for (const subscriber& s : n.subscribers) (*each_)(s);
    for (share_group& g : n.shared) {
        if (g.members.empty()) continue;
        // Round robin over the group, skipping members whose session is offline when an
        // online one exists (an offline member would only queue the message).
        const std::size_t count = g.members.size();
        std::size_t chosen = g.next % count;
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t k = (g.next + i) % count;
            if ((*online_)(g.members[k].who)) {
                chosen = k;
                break;
            }
        }
        g.next = chosen + 1;
        (*each_)(g.members[chosen]);
    }
}

void subscription_tree::visit(node& n, std::string_view topic, std::size_t pos, bool root) {
    if (pos == std::string_view::npos) {
        collect(n);
        if (n.hash) collect(*n.hash);  // "a/#" matches "a" too
        return;
    }
    const level l = level_at(topic, pos);
    const bool dollar = root && !l.text.empty() && l.text.front() == '$';
    if (!dollar) {
        if (n.hash) collect(*n.hash);
        if (n.plus) visit(*n.plus, topic, l.next, false);
    }
    const auto it = n.children.find(l.text);
    if (it != n.children.end()) visit(*it->second, topic, l.next, false);
}

void subscription_tree::match(std::string_view topic,
                              const std::function<void(const subscriber&)>& each,
                              const std::function<bool(const session*)>& online) {
    each_ = &each;
    online_ = &online;
    visit(*root_, topic, 0, true);
    each_ = nullptr;
    online_ = nullptr;
}

}  // namespace mqttwire::broker
