#include "runtime/split_backtest.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <tuple>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "messages/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/log.hpp"

namespace cdb {

namespace {

// The protocol's messages: atoms and CAF's built-in types only, so they
// need no registration.
using ls_hello_atom = caf::atom_constant<caf::atom("lsHello")>;
using ls_peers_atom = caf::atom_constant<caf::atom("lsPeers")>;
using ls_settle_atom = caf::atom_constant<caf::atom("lsSettle")>;
using ls_smark_atom = caf::atom_constant<caf::atom("lsSMark")>;
using ls_settled_atom = caf::atom_constant<caf::atom("lsSettled")>;
using ls_go_atom = caf::atom_constant<caf::atom("lsGo")>;
using ls_run_atom = caf::atom_constant<caf::atom("lsRun")>;
using ls_fire_atom = caf::atom_constant<caf::atom("lsFire")>;
using ls_time_atom = caf::atom_constant<caf::atom("lsTime")>;
using ls_mark_atom = caf::atom_constant<caf::atom("lsMark")>;
using ls_flush_atom = caf::atom_constant<caf::atom("lsFlush")>;
using ls_did_atom = caf::atom_constant<caf::atom("lsDid")>;
using ls_report_atom = caf::atom_constant<caf::atom("lsReport")>;
using ls_reported_atom = caf::atom_constant<caf::atom("lsReported")>;
using ls_stop_atom = caf::atom_constant<caf::atom("lsStop")>;

using time_point = caf::actor_clock::time_point;

time_point at(timestamp t) {
  return time_point{std::chrono::nanoseconds{t}};
}

timestamp since_epoch(time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           t.time_since_epoch())
    .count();
}

/// One node's agent; on the feed's node also the driver.
class split_node {
public:
  explicit split_node(split_backtest& bt)
    : bt_(bt), self_(bt.agent), me_(caf::actor_cast<caf::actor>(bt.agent)) {
    // nop
  }

  int run();

private:
  // -- every node --
  void free_run();
  bool greet();
  void on_peers(std::vector<caf::actor>& agents);
  void on_settle(std::uint64_t round);
  void try_settled(std::uint64_t round);
  void marks(std::uint64_t step);
  void did(std::uint64_t step);
  void fail(const std::string& why);
  /// What the linking still waits for.
  std::string missing() const;
  // -- the driver --
  void try_start();
  void begin_settle();
  void on_did(std::uint64_t step, std::uint64_t node,
              std::vector<std::string>& arrivals, timestamp due, int rank);
  void advance();
  template <class... Ts>
  void send_all(const Ts&... xs) {
    for (auto& a : agents_)
      self_->send(a, xs...);
  }

  split_backtest& bt_;
  caf::scoped_actor& self_;
  caf::actor me_;
  enum class phase { linking, lockstep, stopping } phase_ = phase::linking;
  int status_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::vector<caf::actor> agents_; ///< By index; 0 is the driver.
  std::size_t index_ = 0;
  std::map<std::uint64_t, std::size_t> smarks_;
  std::map<std::uint64_t, std::uint64_t> settling_; ///< round -> turns
  // The driver's state.
  bool driver_ = false;
  std::size_t nodes_ = 0;
  caf::node_id persistence_at_;
  std::size_t persistence_ = 0; ///< Index of the node hosting it.
  std::vector<std::tuple<std::string, caf::actor, timestamp>> hellos_;
  std::uint64_t round_ = 0;
  std::size_t settled_ = 0;
  bool busy_ = false;
  std::uint64_t step_ = 0;
  std::size_t replies_ = 0;
  std::vector<std::vector<std::string>> arrivals_;
  std::vector<std::pair<timestamp, int>> timers_; ///< due (-1: none), rank
  std::deque<std::pair<std::size_t, std::string>> queue_;
  bool flushed_ = false;
};

void split_node::free_run() {
  bt_.sched.run();
  auto waited = std::chrono::steady_clock::now() - started_;
  bt_.sched.clock().fire_setup_timers(
    at(bt_.origin)
    + std::chrono::duration_cast<caf::actor_clock::duration_type>(waited));
}

bool split_node::greet() {
  auto& wired = *bt_.wired;
  for (auto& role : all_roles())
    if (wired.count(role) == 0)
      return false;
  auto feed_at = wired.at("feed").node();
  if (feed_at == bt_.sys.node()) {
    driver_ = true;
    std::set<caf::node_id> nodes;
    for (auto& kvp : wired)
      nodes.insert(kvp.second.node());
    nodes_ = nodes.size();
    persistence_at_ = wired.at("persistence").node();
    try_start();
    return true;
  }
  caf::actor handle;
  for (auto& kvp : wired)
    if (kvp.first.rfind(agent_prefix, 0) == 0 && kvp.second.node() == feed_at)
      handle = kvp.second;
  if (!handle)
    return false; // its roster comes with the next wiring
  self_->monitor(handle);
  self_->send(handle, ls_hello_atom::value, me_, bt_.node, bt_.origin);
  CDB_INFO("backtest", "linked; the node with the feed drives the run");
  return true;
}

void split_node::try_start() {
  if (!driver_ || hellos_.size() + 1 < nodes_)
    return;
  for (auto& h : hellos_)
    if (std::get<2>(h) != bt_.origin) {
      fail("node " + std::get<0>(h) + " starts the market at "
           + format_time(std::get<2>(h)) + ", this node at "
           + format_time(bt_.origin)
           + ": give every node the same --data, --from and --to");
      return;
    }
  // By node name: the order of equal ranks is the same run after run.
  std::sort(hellos_.begin(), hellos_.end());
  std::vector<caf::actor> agents{me_};
  for (auto& h : hellos_)
    agents.push_back(std::get<1>(h));
  for (auto& a : agents)
    self_->send(a, ls_peers_atom::value, agents);
  CDB_INFO("backtest", nodes_ << " nodes linked: settling");
}

void split_node::on_peers(std::vector<caf::actor>& agents) {
  agents_ = std::move(agents);
  for (std::size_t i = 0; i < agents_.size(); ++i) {
    if (agents_[i] == me_)
      index_ = i;
    else
      self_->monitor(agents_[i]);
    if (agents_[i].node() == persistence_at_)
      persistence_ = i;
  }
  phase_ = phase::lockstep;
  bt_.sched.clock().end_setup();
  CDB_DEBUG("backtest", "node " << index_ << " of " << agents_.size());
  bt_.sched.track_arrivals();
  timers_.assign(agents_.size(), {-1, 0});
  arrivals_.assign(agents_.size(), {});
  if (driver_)
    begin_settle();
}

void split_node::begin_settle() {
  ++round_;
  settled_ = 0;
  busy_ = false;
  send_all(ls_settle_atom::value, round_);
}

void split_node::on_settle(std::uint64_t round) {
  settling_[round] = bt_.sched.run();
  CDB_DEBUG("backtest",
            "settle round " << round << ": " << settling_[round] << " turns");
  for (std::size_t i = 0; i < agents_.size(); ++i)
    if (i != index_)
      self_->send(agents_[i], ls_smark_atom::value, round);
  try_settled(round);
}

void split_node::try_settled(std::uint64_t round) {
  auto i = settling_.find(round);
  if (i == settling_.end() || smarks_[round] + 1 < agents_.size())
    return;
  CDB_DEBUG("backtest", "settled round " << round);
  self_->send(agents_[0], ls_settled_atom::value, round, i->second,
              static_cast<std::uint64_t>(bt_.sched.ready()));
  settling_.erase(i);
  smarks_.erase(round);
}

void split_node::marks(std::uint64_t step) {
  for (std::size_t i = 0; i < agents_.size(); ++i)
    if (i != index_)
      self_->send(agents_[i], ls_mark_atom::value, step);
}

void split_node::did(std::uint64_t step) {
  time_point due;
  int rank = 0;
  timestamp t = -1;
  if (bt_.sched.clock().next_due(due, rank))
    t = since_epoch(due);
  self_->send(agents_[0], ls_did_atom::value, step,
              static_cast<std::uint64_t>(index_), bt_.sched.take_arrivals(), t,
              static_cast<std::int64_t>(rank));
}

void split_node::on_did(std::uint64_t step, std::uint64_t node,
                        std::vector<std::string>& arrivals, timestamp due,
                        int rank) {
  if (step != step_ || node >= agents_.size()) {
    fail("out of step: answer to step " + std::to_string(step) + " during "
         + std::to_string(step_));
    return;
  }
  timers_[node] = {due, rank};
  arrivals_[node] = std::move(arrivals);
  if (++replies_ < agents_.size())
    return;
  // This step's newly ready actors, by rank; equal ranks by node.
  struct item {
    int rank;
    std::size_t node;
    std::string name;
  };
  std::vector<item> items;
  for (std::size_t n = 0; n < arrivals_.size(); ++n)
    for (auto& name : arrivals_[n])
      items.push_back({role_rank(name.c_str()), n, std::move(name)});
  std::stable_sort(items.begin(), items.end(),
                   [](const item& a, const item& b) {
                     return a.rank < b.rank;
                   });
  for (auto& x : items)
    queue_.emplace_back(x.node, std::move(x.name));
  advance();
}

void split_node::advance() {
  ++step_;
  replies_ = 0;
  if (!queue_.empty()) {
    auto [node, name] = std::move(queue_.front());
    queue_.pop_front();
    self_->send(agents_[node], ls_run_atom::value, step_, name);
    if ((step_ & 0x3ff) == 0 && bt_.progress)
      bt_.progress(false);
    return;
  }
  auto now = since_epoch(bt_.sched.clock().current_time);
  std::size_t next = agents_.size();
  for (std::size_t n = 0; n < timers_.size(); ++n)
    if (timers_[n].first >= 0
        && (next == agents_.size() || timers_[n] < timers_[next]))
      next = n;
  // The end comes once every timer of this instant has fired (as on one
  // node: runtime/backtest.cpp).
  bool instant_done = next == agents_.size() || timers_[next].first > now;
  if (!flushed_ && instant_done
      && (bt_.metrics->feed_done || (bt_.end > 0 && now >= bt_.end))) {
    flushed_ = true;
    self_->send(agents_[persistence_], ls_flush_atom::value, step_);
    return;
  }
  if (flushed_ || next == agents_.size()) {
    if (!flushed_)
      CDB_ERROR("backtest", "nothing left to do before the end: stalled at "
                              << format_time(now));
    if (bt_.progress)
      bt_.progress(true);
    self_->send(agents_[persistence_], ls_report_atom::value,
                static_cast<std::uint64_t>(bt_.metrics->ticks.load()));
    return;
  }
  auto due = timers_[next].first;
  for (std::size_t n = 0; n < agents_.size(); ++n)
    if (n != next)
      self_->send(agents_[n], ls_time_atom::value, due);
  self_->send(agents_[next], ls_fire_atom::value, step_, due);
}

std::string split_node::missing() const {
  if (!bt_.waiting->empty())
    return "no node reachable hosts " + *bt_.waiting;
  if (driver_)
    return std::to_string(hellos_.size() + 1) + " of " + std::to_string(nodes_)
           + " nodes joined the run";
  return "the node with the feed did not answer";
}

void split_node::fail(const std::string& why) {
  CDB_ERROR("backtest", why);
  status_ = 3;
  if (phase_ != phase::stopping) {
    phase_ = phase::stopping;
    caf::anon_send(bt_.supervisor, shutdown_atom::value);
  }
}

int split_node::run() {
  started_ = std::chrono::steady_clock::now();
  bool greeted = false;
  const auto limit = std::to_string(bt_.link_timeout / 1'000'000'000)
                     + " s (node.link_timeout)";
  auto set_time = [this](timestamp t) {
    auto& c = bt_.sched.clock();
    c.current_time = std::max(c.current_time, at(t));
  };
  while (!(phase_ == phase::stopping && bt_.supervisor_done)) {
    auto wait = phase_ == phase::lockstep
                  ? std::chrono::nanoseconds{bt_.link_timeout}
                  : std::chrono::nanoseconds{std::chrono::milliseconds{1}};
    self_->receive(
      [&](ls_hello_atom, caf::actor& agent, std::string& node,
          timestamp origin) {
        hellos_.emplace_back(std::move(node), std::move(agent), origin);
        try_start();
      },
      [&](ls_peers_atom, std::vector<caf::actor>& agents) { on_peers(agents); },
      [&](ls_settle_atom, std::uint64_t round) { on_settle(round); },
      [&](ls_smark_atom, std::uint64_t round) {
        ++smarks_[round];
        try_settled(round);
      },
      [&](ls_settled_atom, std::uint64_t round, std::uint64_t turns,
          std::uint64_t ready) {
        if (round != round_)
          return;
        busy_ = busy_ || turns > 0 || ready > 0;
        if (++settled_ < agents_.size())
          return;
        if (busy_) {
          begin_settle();
          return;
        }
        CDB_INFO("backtest", "settled after " << round_ << " rounds: running");
        step_ = 0;
        replies_ = 0;
        send_all(ls_go_atom::value);
      },
      [&](ls_go_atom) {
        bt_.sched.take_arrivals(); // what linking left is settled
        did(0);
      },
      [&](ls_run_atom, std::uint64_t step, const std::string& name) {
        if (!bt_.sched.run_turn(name))
          fail("out of step: no ready actor " + name + " on this node");
        marks(step);
        did(step);
      },
      [&](ls_fire_atom, std::uint64_t step, timestamp t) {
        set_time(t);
        bt_.sched.clock().fire_next();
        marks(step);
        did(step);
      },
      [&](ls_time_atom, timestamp t) { set_time(t); },
      [&](ls_mark_atom, std::uint64_t step) { did(step); },
      [&](ls_flush_atom, std::uint64_t step) {
        // The recorder adds the last account point, in this turn order.
        if (bt_.recorder && *bt_.recorder)
          caf::anon_send(*bt_.recorder, flush_atom::value);
        marks(step);
        did(step);
      },
      [&](ls_did_atom, std::uint64_t step, std::uint64_t node,
          std::vector<std::string>& arrivals, timestamp due,
          std::int64_t rank) {
        on_did(step, node, arrivals, due, static_cast<int>(rank));
      },
      [&](ls_report_atom, std::uint64_t events) {
        auto st = bt_.report ? bt_.report(events) : 2;
        self_->send(agents_[0], ls_reported_atom::value,
                    static_cast<std::int32_t>(st));
      },
      [&](ls_reported_atom, std::int32_t st) {
        status_ = std::max(status_, static_cast<int>(st));
        send_all(ls_stop_atom::value);
      },
      [&](ls_stop_atom) {
        if (phase_ != phase::stopping) {
          phase_ = phase::stopping;
          caf::anon_send(bt_.supervisor, shutdown_atom::value);
        }
      },
      [&](caf::down_msg& dm) {
        if (phase_ != phase::stopping)
          fail("a node of the backtest is gone (" + bt_.sys.render(dm.reason)
               + ")");
      },
      caf::after(wait) >>
        [&] {
          if (phase_ == phase::lockstep)
            fail("no answer from the other nodes for " + limit);
        });
    if (phase_ == phase::linking) {
      free_run();
      if (!greeted)
        greeted = greet();
      if (phase_ == phase::linking
          && std::chrono::steady_clock::now() - started_
               > std::chrono::nanoseconds{bt_.link_timeout})
        fail("the nodes did not link within " + limit + ": " + missing());
    } else if (phase_ == phase::stopping) {
      if (bt_.sched.run() == 0)
        bt_.sched.clock().fire_next();
    } else if (bt_.supervisor_done) {
      fail("the supervisor stopped: an actor failed beyond its budget");
    }
  }
  return status_;
}

} // namespace

int run_split(split_backtest& bt) {
  split_node node{bt};
  return node.run();
}

} // namespace cdb
