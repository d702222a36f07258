#include "runtime/outbox.hpp"

#include <caf/send.hpp>

#include "runtime/log.hpp"

namespace cdb {

outbox::outbox(const char* owner, std::size_t limit, metrics_ptr metrics)
  : owner_(owner), limit_(limit), metrics_(std::move(metrics)) {
  // nop
}

outbox::~outbox() {
  metrics_->persist_unacked -= kept_.size();
}

void outbox::send(const caf::actor& self, const caf::actor& db, std::string id,
                  caf::message msg) {
  if (db)
    caf::send_as(self, db, msg);
  if (kept_.size() >= limit_) {
    // Persistence has not answered for `limit_` events: it is gone for
    // good. Keep memory bounded and say what is lost.
    auto& oldest = kept_.front();
    CDB_ERROR(owner_, "persistence unacknowledged for "
                        << kept_.size() << " events: dropped " << oldest.first);
    index_.erase(oldest.first);
    kept_.pop_front();
    metrics_->persist_unacked--;
    metrics_->persist_dropped++;
  }
  auto [i, fresh] = index_.try_emplace(id);
  if (!fresh) { // sent again under the same id: the newest counts
    i->second->second = std::move(msg);
    return;
  }
  kept_.emplace_back(std::move(id), std::move(msg));
  i->second = std::prev(kept_.end());
  metrics_->persist_unacked++;
}

bool outbox::ack(std::vector<std::string>& ids) {
  for (std::size_t n = 0; n < outbox_ack_chunk && !ids.empty(); ++n) {
    auto i = index_.find(ids.back());
    ids.pop_back();
    if (i == index_.end())
      continue; // acknowledged twice (a resend), or dropped
    kept_.erase(i->second);
    index_.erase(i);
    metrics_->persist_unacked--;
  }
  if (kept_.empty())
    settled();
  return !ids.empty();
}

void outbox::rewire(const caf::actor& self, const caf::actor& before,
                    const caf::actor& now) {
  if (now && now != before)
    resend(self, now);
  if (!now)
    settled();
}

void outbox::settle(caf::typed_response_promise<std::uint64_t> promise,
                    bool wired) {
  settling_.push_back(std::move(promise));
  if (kept_.empty() || !wired)
    settled();
}

void outbox::settled() {
  for (auto& p : settling_)
    if (p.pending())
      p.deliver(static_cast<std::uint64_t>(kept_.size()));
  settling_.clear();
}

void outbox::resend(const caf::actor& self, const caf::actor& db) {
  if (!db || kept_.empty())
    return;
  CDB_INFO(owner_, "sending " << kept_.size()
                              << " unacknowledged events to the new "
                                 "persistence");
  for (auto& e : kept_)
    caf::send_as(self, db, e.second);
}

} // namespace cdb
