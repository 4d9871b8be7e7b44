#pragma once
// Retained messages by Topic Name: set, replaced, cleared by an empty payload, and found for a
// new subscription's filter.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "broker/message.hpp"

namespace mqttwire::broker {

class retained_store {
public:
    /** Stores `m` as the retained message of its topic; an empty payload clears it. */
    void store(const message_ptr& m);
    /**
     * Calls `each` with every retained message whose topic `filter` matches. A filter without
     * wildcards is one lookup; a wildcard filter walks the store (retained messages are few
     * next to subscriptions; a trie as subscription_tree is the next step if they are not).
     */
    void match(std::string_view filter, const std::function<void(const message_ptr&)>& each) const;
    [[nodiscard]] std::size_t size() const { return messages_.size(); }

private:
    std::map<std::string, message_ptr, std::less<>> messages_{};
};

}  // namespace mqttwire::broker
