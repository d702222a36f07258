// Direct delivery (runtime/direct_market.hpp): the real feed on the lockstep
// scheduler hands its steps to subscribers that log what they get by call
// and by message. A subscriber with mail waiting gets the step by message
// behind it; idle ones take it by call in role order; the feed runs ahead
// only while nothing else would run first, and stops at its own timers and
// at the horizon.
#define CAF_SUITE direct_market
#include <caf/all.hpp>
#include <caf/test/dsl.hpp>

#include "actors/feed/feed_actor.hpp"
#include "messages/register.hpp"
#include "runtime/direct_market.hpp"
#include "runtime/lockstep.hpp"

using namespace cdb;

namespace {

using log_ptr = std::shared_ptr<std::vector<std::string>>;

/// The market clock: the lockstep scheduler's clock.
class lockstep_time : public clock {
public:
  explicit lockstep_time(const lockstep_clock& c) : c_(c) {
    // nop
  }

  timestamp now() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
             c_.current_time.time_since_epoch())
      .count();
  }

private:
  const lockstep_clock& c_;
};

std::string what(const quote_tick& x) {
  return "quote " + x.instrument;
}

std::string what(const trade_tick& x) {
  return "trade " + x.instrument;
}

template <class T>
std::string what(const T&) {
  return "other";
}

/// A subscriber with a role's name: logs "name:call:..." for what it takes
/// by call and "name:msg:..." for each message. With `poke` set, its first
/// call after `armed` sends `poke` a feed status (what signal does with a
/// signal for risk).
class subscriber : public market_sink::base {
public:
  subscriber(caf::actor_config& cfg, std::string name, log_ptr log,
             direct_market_ptr direct)
    : market_sink::base(cfg), name_(std::move(name)), log_(std::move(log)),
      direct_(std::move(direct)) {
    // nop
  }

  const char* name() const override {
    return name_.c_str();
  }

  market_sink::behavior_type make_behavior() override {
    direct_->attach(this, [this](const auto& x) {
      log_->push_back(name_ + ":call:" + what(x));
      if (poke && *armed) {
        *armed = false;
        send(poke, feed_status{});
      }
    });
    auto msg = [this](const std::string& w) {
      log_->push_back(name_ + ":msg:" + w);
    };
    return {
      [msg](const trade_tick& x) { msg(what(x)); },
      [msg](const trade_batch&) { msg("batch"); },
      [msg](const market_history&) { msg("history"); },
      [msg](const quote_tick& x) { msg(what(x)); },
      [msg](const book_snapshot&) { msg("book"); },
      [msg](const bar&) { msg("bar"); },
      [msg](const mark_price&) { msg("mark"); },
      [msg](const feed_status&) { msg("status"); },
    };
  }

  market_sink poke;
  std::shared_ptr<bool> armed = std::make_shared<bool>(false);

private:
  std::string name_;
  log_ptr log_;
  direct_market_ptr direct_;
};

struct config : caf::actor_system_config {
  config() {
    register_messages(*this);
    load<lockstep_scheduler>();
  }
};

constexpr timestamp step_ns = 20'000'000;

struct fixture {
  config cfg;
  std::unique_ptr<caf::actor_system> sys;
  lockstep_scheduler* sched = nullptr;
  direct_market_ptr direct;
  log_ptr log = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<lockstep_time> time;
  timestamp start = 0;
  feed_actor feed;
  std::vector<market_sink> subs;
  subscriber* signal = nullptr;

  fixture() {
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<lockstep_scheduler&>(sys->scheduler());
    direct = std::make_shared<direct_market>(*sched);
    time = std::make_shared<lockstep_time>(sched->clock());
    start = time->now();
    actor_context ctx{"test", 1, time, std::make_shared<node_metrics>(),
                      direct};
    feed_config fc;                 // the synthetic market: a step every 20 ms,
    fc.stale_after = 5'000'000'000; // its watchdog every 1.25 s
    // Spawned in an order other than the roles'.
    for (auto* name : {"execution", "risk", "signal"}) {
      subs.push_back(sys->spawn<subscriber>(name, log, direct));
      if (std::string{name} == "signal")
        signal = dynamic_cast<subscriber*>(
          caf::actor_cast<caf::abstract_actor*>(subs.back()));
    }
    signal->poke = subs[1];
    feed = sys->spawn(spawn_feed, fc, ctx, start);
    for (auto& s : subs)
      caf::anon_send(feed, subscribe_atom::value, s);
    sched->run();
  }

  ~fixture() {
    caf::anon_send_exit(feed, caf::exit_reason::kill);
    for (auto& s : subs)
      caf::anon_send_exit(s, caf::exit_reason::kill);
    sched->run();
  }

  /// Fires the next timer, runs every turn; the market time after it.
  timestamp next_timer() {
    log->clear();
    CAF_REQUIRE(sched->clock().fire_next());
    sched->run();
    return time->now() - start;
  }

  std::size_t count(const std::string& part) const {
    return static_cast<std::size_t>(
      std::count_if(log->begin(), log->end(), [&](const std::string& s) {
        return s.find(part) != std::string::npos;
      }));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(direct_market_tests, fixture)

CAF_TEST(a subscriber with mail waiting gets the step by message behind it) {
  // The first step makes both instruments fresh: the status reaches every
  // subscriber before the ticks, which then follow it by message.
  CAF_CHECK_EQUAL(next_timer(), step_ns);
  CAF_CHECK_EQUAL(count(":call:"), 0u);
  CAF_CHECK_EQUAL(count("signal:msg:quote"), 2u);
  CAF_CHECK_EQUAL(count("risk:msg:quote"), 2u);
  CAF_CHECK_EQUAL(count("execution:msg:quote"), 2u);
  std::vector<std::string> want{"signal:msg:status", "signal:msg:status",
                                "signal:msg:quote BTCUSDT",
                                "signal:msg:quote ETHUSDT"};
  std::vector<std::string> got;
  for (auto& s : *log)
    if (s.rfind("signal:", 0) == 0 && got.size() < want.size())
      got.push_back(s);
  CAF_CHECK_EQUAL(got, want);
}

CAF_TEST(idle subscribers take the steps by call in role order and the feed runs
           ahead to its own timer) {
  next_timer(); // the first step, by message (above)
  // Steps at 40 ms … 1 240 ms in one turn: the watchdog is due at 1 250 ms.
  CAF_CHECK_EQUAL(next_timer(), 62 * step_ns);
  CAF_CHECK_EQUAL(count(":msg:"), 0u);
  CAF_CHECK_EQUAL(count("signal:call:quote"), 2 * 61u);
  CAF_CHECK_EQUAL(count("risk:call:quote"), 2 * 61u);
  CAF_CHECK_EQUAL(count("execution:call:quote"), 2 * 61u);
  // Within each step: signal, then risk, then execution.
  int last = -1;
  std::size_t out_of_order = 0;
  for (auto& s : *log) {
    int rank = s.rfind("signal:", 0) == 0 ? 0
               : s.rfind("risk:", 0) == 0 ? 1
                                          : 2;
    if (rank < last && !(rank == 0 && last == 2))
      ++out_of_order;
    last = rank;
  }
  CAF_CHECK_EQUAL(out_of_order, 0u);
  CAF_CHECK_EQUAL(log->front(), "signal:call:quote BTCUSDT");
  // The watchdog fires, then the feed goes on.
  CAF_CHECK_EQUAL(next_timer(), 62 * step_ns + 10'000'000);
}

CAF_TEST(a subscriber sending during the step stops the run ahead and its
           message comes after the step) {
  next_timer();
  *signal->armed = true;
  CAF_CHECK_EQUAL(next_timer(), 2 * step_ns);
  // risk took the step by call first: it was idle when the step was handed
  // over; signal's message then came in its own turn.
  std::vector<std::string> risk;
  for (auto& s : *log)
    if (s.rfind("risk:", 0) == 0)
      risk.push_back(s);
  CAF_REQUIRE(!risk.empty());
  CAF_CHECK_EQUAL(risk.back(), "risk:msg:status");
  CAF_CHECK_EQUAL(count("risk:call:"), risk.size() - 1);
  // Nothing more to run: the next timer runs ahead again.
  CAF_CHECK_GREATER(next_timer(), 3 * step_ns);
}

CAF_TEST(the feed runs ahead only within the horizon) {
  next_timer();
  direct->horizon = start + 100'000'000;
  CAF_CHECK_EQUAL(next_timer(), 100'000'000);
  direct->horizon = 0;
  CAF_CHECK_EQUAL(next_timer(), 62 * step_ns);
}

CAF_TEST(the clock is clear before a time unless a timer is due earlier
         or the feed has one then) {
  auto& c = sched->clock();
  caf::actor_clock::time_point due;
  int rank = -1;
  CAF_REQUIRE(c.next_due(due, rank)); // the feed's first step
  CAF_CHECK_EQUAL(rank, 0);
  CAF_CHECK(c.clear_before(due - std::chrono::nanoseconds{1}));
  CAF_CHECK(!c.clear_before(due)); // the feed's own: it was set first
  CAF_CHECK(!c.clear_before(due + std::chrono::nanoseconds{1}));
  c.advance_to(due);
  CAF_CHECK(c.current_time == due);
  c.advance_to(due - std::chrono::seconds{1}); // never backwards
  CAF_CHECK(c.current_time == due);
}

CAF_TEST(the clock advances only when it is clear) {
  auto& c = sched->clock();
  caf::actor_clock::time_point due;
  int rank = -1;
  CAF_REQUIRE(c.next_due(due, rank)); // the feed's first step
  auto before = c.current_time;
  CAF_CHECK(!c.advance_if_clear(due)); // the feed's own timer is there
  CAF_CHECK(c.current_time == before);
  CAF_CHECK(c.advance_if_clear(due - std::chrono::nanoseconds{1}));
  CAF_CHECK(c.current_time == due - std::chrono::nanoseconds{1});
}

CAF_TEST_FIXTURE_SCOPE_END()
