#pragma once
// The subscription trie: one node per topic level, so matching a topic visits the levels of
// that topic (and the '+' and '#' branches beside them), never the list of all subscriptions.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mqttwire/mqttwire.hpp>

namespace mqttwire::broker {

class session;

/** What a SUBSCRIBE asked for one filter. */
struct subscription_options {
    qos max_qos = qos::at_most_once;
    bool no_local = false;
    bool retain_as_published = false;
    retain_handling retain = retain_handling::send_on_subscribe;
    /** 5.0 Subscription Identifier of the SUBSCRIBE, 0 when none. */
    std::uint32_t identifier = 0;
};

struct subscriber {
    session* who = nullptr;
    subscription_options options{};
};

class subscription_tree {
public:
    subscription_tree();
    ~subscription_tree();
    subscription_tree(const subscription_tree&) = delete;
    subscription_tree& operator=(const subscription_tree&) = delete;

    /**
     * Adds or replaces `who`'s subscription to `filter` (a valid Topic Filter); `share` is the
     * ShareName of a shared subscription, empty otherwise. True when it is new (5.0 Retain
     * Handling 1 sends retained messages only then).
     */
    bool subscribe(session* who, std::string_view share, std::string_view filter,
                   const subscription_options& options);
    /** Removes it; true when it existed. Empty nodes are pruned. */
    bool unsubscribe(session* who, std::string_view share, std::string_view filter);

    /**
     * Calls `each(subscriber)` for every subscription matching `topic`: every ordinary one,
     * and of each shared group one member, in turn (round robin), preferring one `online`.
     * Wildcards in the first level do not match a topic starting with '$' (MQTT-4.7.2-1).
     */
    void match(std::string_view topic, const std::function<void(const subscriber&)>& each,
               const std::function<bool(const session*)>& online);

    [[nodiscard]] std::size_t size() const { return count_; }

private:
    struct node;
    struct share_group {
        std::string name{};
        std::vector<subscriber> members{};
        std::size_t next = 0;
    };

    node* find_or_add(std::string_view filter);
    void visit(node& n, std::string_view topic, std::size_t pos, bool root);
    void collect(node& n);
    static bool prune(node& n, std::string_view filter, std::size_t pos);

    std::unique_ptr<node> root_;
    std::size_t count_ = 0;
    // Set for the duration of match(): visit() hands matches to them.
    const std::function<void(const subscriber&)>* each_ = nullptr;
    const std::function<bool(const session*)>* online_ = nullptr;
};

}  // namespace mqttwire::broker
