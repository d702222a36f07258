#include "runtime/lockstep.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include <caf/actor_cast.hpp>
#include <caf/local_actor.hpp>

#include "runtime/cluster.hpp"

namespace cdb {

namespace {

using clk = caf::detail::simple_actor_clock;

constexpr int other_rank = 6;

/// The actor a timer belongs to: who set it, or for a delayed message its
/// sender (else its receiver). Reads the pointer in place: no reference
/// count moves.
caf::abstract_actor* owner(const clk::delayed_event& e) {
  const caf::strong_actor_ptr* who = nullptr;
  switch (e.subtype) {
    case clk::ordinary_timeout_type:
      who = &static_cast<const clk::ordinary_timeout&>(e).self;
      break;
    case clk::multi_timeout_type:
      who = &static_cast<const clk::multi_timeout&>(e).self;
      break;
    case clk::request_timeout_type:
      who = &static_cast<const clk::request_timeout&>(e).self;
      break;
    case clk::actor_msg_type: {
      auto& m = static_cast<const clk::actor_msg&>(e);
      who = m.content && m.content->sender ? &m.content->sender : &m.receiver;
      break;
    }
    case clk::group_msg_type:
      who = &static_cast<const clk::group_msg&>(e).sender;
      break;
    default: break;
  }
  return who != nullptr ? caf::actor_cast<caf::abstract_actor*>(*who) : nullptr;
}

int rank_of_actor(const caf::abstract_actor* a) {
  auto* local = dynamic_cast<const caf::local_actor*>(a);
  return local != nullptr ? role_rank(local->name()) : other_rank;
}

const char* name_of(caf::resumable* job) {
  auto* local = dynamic_cast<caf::local_actor*>(job);
  return local != nullptr ? local->name() : "?";
}

} // namespace

int role_rank(const char* actor_name) {
  auto& roles = all_roles();
  for (std::size_t i = 0; i < roles.size(); ++i)
    if (roles[i] == actor_name)
      return static_cast<int>(i);
  return other_rank;
}

// -- lockstep_clock -----------------------------------------------------------

int lockstep_clock::rank_of(const delayed_event& e) const {
  auto* a = owner(e);
  if (a == nullptr)
    return other_rank;
  auto [i, fresh] = ranks_.try_emplace(a->id(), other_rank);
  if (fresh)
    i->second = rank_of_actor(a);
  return i->second;
}

lockstep_clock::schedule_map::iterator lockstep_clock::pick() const {
  auto& s = const_cast<schedule_map&>(schedule_);
  auto best = s.begin();
  if (best == s.end())
    return best;
  auto due = best->first;
  auto i = std::next(best);
  if (i == s.end() || i->first != due)
    return best; // the usual case: alone at its time
  auto best_rank = rank_of(*best->second);
  for (; i != s.end() && i->first == due; ++i)
    if (auto r = rank_of(*i->second); r < best_rank) {
      best = i;
      best_rank = r;
    }
  return best;
}

void lockstep_clock::fire(schedule_map::iterator i) {
  auto ptr = std::move(i->second);
  schedule_.erase(i);
  if (ptr->backlink != actor_lookup_.end())
    actor_lookup_.erase(ptr->backlink);
  if (self_timers_ && ptr->subtype == actor_msg_type) {
    auto& m = static_cast<actor_msg&>(*ptr);
    if (m.content && m.content->sender == m.receiver
        && self_timers_(caf::actor_cast<caf::abstract_actor*>(m.receiver),
                        m.content->content()))
      return;
  }
  ship(*ptr);
}

void lockstep_clock::take_self_timers(self_timer_fn f) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  self_timers_ = std::move(f);
}

bool lockstep_clock::next_due(time_point& due, int& rank) const {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  auto i = pick();
  if (i == schedule_.end())
    return false;
  due = i->first;
  rank = rank_of(*i->second);
  return true;
}

bool lockstep_clock::clear_before(time_point t) const {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  return clear_before_locked(t);
}

bool lockstep_clock::clear_before_locked(time_point t) const {
  auto i = schedule_.begin();
  if (i == schedule_.end() || i->first > t)
    return true;
  // Due at `t`: clear unless the first of that instant (pick's rule) is
  // the feed's.
  return i->first == t && rank_of(*pick()->second) > 0;
}

bool lockstep_clock::fire_next() {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  auto i = pick();
  if (i == schedule_.end())
    return false;
  if (i->first > current_time)
    current_time = i->first;
  fire(i);
  return true;
}

bool lockstep_clock::advance_if_clear(time_point t) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  if (!clear_before_locked(t))
    return false;
  if (t > current_time)
    current_time = t;
  return true;
}

void lockstep_clock::advance_to(time_point t) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  if (t > current_time)
    current_time = t;
}

std::size_t lockstep_clock::fire_setup_timers(time_point until) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  setup_ = true;
  setup_now_ = std::max(setup_now_, until);
  std::size_t n = 0;
  for (;;) {
    auto i = std::find_if(schedule_.begin(), schedule_.upper_bound(until),
                          [&](const auto& kvp) {
                            return rank_of(*kvp.second) == other_rank;
                          });
    if (i == schedule_.upper_bound(until))
      return n;
    fire(i);
    ++n;
  }
}

void lockstep_clock::end_setup() {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  setup_ = false;
}

lockstep_clock::time_point
lockstep_clock::setup_shift(time_point t,
                            const caf::abstract_actor* owner) const {
  if (!setup_ || setup_now_ <= current_time
      || (owner != nullptr && rank_of_actor(owner) != other_rank))
    return t;
  return t + (setup_now_ - current_time);
}

void lockstep_clock::set_ordinary_timeout(time_point t,
                                          caf::abstract_actor* self,
                                          caf::atom_value type, uint64_t id) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::set_ordinary_timeout(setup_shift(t, self), self, type, id);
}

void lockstep_clock::set_multi_timeout(time_point t, caf::abstract_actor* self,
                                       caf::atom_value type, uint64_t id) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::set_multi_timeout(setup_shift(t, self), self, type, id);
}

void lockstep_clock::set_request_timeout(time_point t,
                                         caf::abstract_actor* self,
                                         caf::message_id id) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::set_request_timeout(setup_shift(t, self), self, id);
}

void lockstep_clock::cancel_ordinary_timeout(caf::abstract_actor* self,
                                             caf::atom_value type) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::cancel_ordinary_timeout(self, type);
}

void lockstep_clock::cancel_request_timeout(caf::abstract_actor* self,
                                            caf::message_id id) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::cancel_request_timeout(self, id);
}

void lockstep_clock::cancel_timeouts(caf::abstract_actor* self) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::cancel_timeouts(self);
}

void lockstep_clock::schedule_message(time_point t,
                                      caf::strong_actor_ptr receiver,
                                      caf::mailbox_element_ptr content) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  const auto& who = content && content->sender ? content->sender : receiver;
  t = setup_shift(t, caf::actor_cast<caf::abstract_actor*>(who));
  test_actor_clock::schedule_message(t, std::move(receiver),
                                     std::move(content));
}

void lockstep_clock::schedule_message(time_point t, caf::group target,
                                      caf::strong_actor_ptr sender,
                                      caf::message content) {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  t = setup_shift(t, caf::actor_cast<caf::abstract_actor*>(sender));
  test_actor_clock::schedule_message(t, std::move(target), std::move(sender),
                                     std::move(content));
}

void lockstep_clock::cancel_all() {
  std::lock_guard<std::recursive_mutex> guard{mtx_};
  test_actor_clock::cancel_all();
}

// -- lockstep_scheduler -------------------------------------------------------

/// Where a turn's actor sends: a local receiver that was waiting becomes
/// ready here.
class lockstep_scheduler::turn_unit final : public caf::execution_unit {
public:
  explicit turn_unit(lockstep_scheduler& s)
    : caf::execution_unit(&s.system()), s_(s) {
    // nop
  }

  void exec_later(caf::resumable* job) override {
    s_.enqueue(job);
  }

private:
  lockstep_scheduler& s_;
};

caf::actor_system::module* lockstep_scheduler::make(caf::actor_system& sys,
                                                    caf::detail::type_list<>) {
  return new lockstep_scheduler(sys);
}

lockstep_scheduler::lockstep_scheduler(caf::actor_system& sys)
  : test_coordinator(sys), unit_(std::make_unique<turn_unit>(*this)) {
  // nop
}

lockstep_scheduler::~lockstep_scheduler() = default;

lockstep_clock& lockstep_scheduler::clock() noexcept {
  return clock_;
}

int lockstep_scheduler::rank_of(caf::resumable* job) {
  auto i = ranks_.find(job);
  if (i == ranks_.end())
    i = ranks_.emplace(job, role_rank(name_of(job))).first;
  return i->second;
}

void lockstep_scheduler::enqueue(caf::resumable* job) {
  std::lock_guard<std::mutex> guard{mtx_};
  ready_.push_back(entry{job, rank_of(job)});
  count_ready();
  if (track_)
    arrived_.emplace_back(name_of(job));
}

void lockstep_scheduler::take(caf::resumable* job) {
  for (;;) {
    switch (job->resume(unit_.get(), std::numeric_limits<std::size_t>::max())) {
      case caf::resumable::resume_later: continue;
      case caf::resumable::done: {
        std::lock_guard<std::mutex> guard{mtx_};
        ranks_.erase(job); // its address may be reused
      }
        intrusive_ptr_release(job);
        return;
      case caf::resumable::awaiting_message: intrusive_ptr_release(job); return;
      case caf::resumable::shutdown_execution_unit: return;
    }
  }
}

std::size_t lockstep_scheduler::run() {
  std::size_t n = 0;
  for (;;) {
    caf::resumable* job = nullptr;
    std::size_t mark = 0;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (ready_.empty())
        return n;
      job = ready_.front().job;
      ready_.pop_front();
      count_ready();
      mark = ready_.size();
    }
    take(job);
    ++n;
    std::lock_guard<std::mutex> guard{mtx_};
    if (ready_.size() > mark + 1)
      std::stable_sort(ready_.begin() + static_cast<std::ptrdiff_t>(mark),
                       ready_.end(), [](const entry& a, const entry& b) {
                         return a.rank < b.rank;
                       });
  }
}

void lockstep_scheduler::track_arrivals() {
  std::lock_guard<std::mutex> guard{mtx_};
  track_ = true;
  arrived_.clear();
}

bool lockstep_scheduler::run_turn(const std::string& name) {
  caf::resumable* job = nullptr;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = std::find_if(ready_.begin(), ready_.end(), [&](const entry& e) {
      return name == name_of(e.job);
    });
    if (i == ready_.end())
      return false;
    job = i->job;
    ready_.erase(i);
    count_ready();
  }
  take(job);
  return true;
}

bool lockstep_scheduler::run_turn(caf::resumable* job) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = std::find_if(ready_.begin(), ready_.end(),
                          [&](const entry& e) { return e.job == job; });
    if (i == ready_.end())
      return false;
    ready_.erase(i);
    count_ready();
  }
  take(job);
  return true;
}

std::vector<std::string> lockstep_scheduler::take_arrivals() {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<std::string> out;
  out.swap(arrived_);
  return out;
}

std::size_t lockstep_scheduler::ready() const {
  return n_ready_.load(std::memory_order_acquire);
}

void lockstep_scheduler::count_ready() {
  n_ready_.store(ready_.size(), std::memory_order_release);
}

void lockstep_scheduler::stop() {
  while (run() > 0 || clock_.fire_next()) {
    // the actors' last messages and timers, as CAF's test coordinator does
  }
}

} // namespace cdb
