#include "broker/retained.hpp"

namespace mqttwire::broker {

void retained_store::store(const message_ptr& m) {
    if (m->view.payload.empty()) {
        // MQTT-3.3.1-10/-11: a retained message with no payload removes the retained one.
        const auto it = messages_.find(m->topic);
        if (it != messages_.end()) messages_.erase(it);
        return;
    }
    messages_.insert_or_assign(m->topic, m);
}

void retained_store::match(std::string_view filter,
                           const std::function<void(const message_ptr&)>& each) const {
    if (filter.find_first_of("+#") == std::string_view::npos) {
        const auto it = messages_.find(filter);
        if (it != messages_.end()) each(it->second);
        return;
    }
    for (const auto& [topic, m] : messages_)
        if (topic_matches(filter, topic)) each(m);
}

}  // namespace mqttwire::broker
