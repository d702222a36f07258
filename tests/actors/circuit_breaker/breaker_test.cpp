#define CAF_SUITE circuit_breaker
#include <algorithm>
#include <cstddef>
#include <limits>
#include <random>

#include <caf/test/unit_test.hpp>

#include "actors/circuit_breaker/breaker.hpp"
#include "runtime/trading_day.hpp"

using namespace cdb;

namespace {

constexpr timestamp day0 = 19'000 * ns_per_day; // a UTC midnight
constexpr nanoseconds sec = 1'000'000'000;

portfolio_snapshot account(double equity, double sod = 100000,
                           double realized = 0, timestamp t = day0) {
  portfolio_snapshot s;
  s.equity = equity;
  s.start_of_day_equity = sod;
  s.realized_pnl = realized;
  s.event_time = t;
  return s;
}

feed_status feed(const std::string& instrument, feed_health h) {
  feed_status s;
  s.instrument = instrument;
  s.state = h;
  return s;
}

risk_decision rejection(timestamp t, const std::string& layer = "spread") {
  risk_decision d;
  d.layer = layer;
  d.reason = "spread_too_wide";
  d.event_time = t;
  return d;
}

order_event venue_reject(timestamp t) {
  order_event e;
  e.kind = order_event_kind::rejected;
  e.reason = "no_quote";
  e.event_time = t;
  return e;
}

bool tripped(const breaker& b, const std::string& rule) {
  for (auto& t : b.trips())
    if (t.rule == rule)
      return true;
  return false;
}

} // namespace

CAF_TEST(drawdown from peak at the limit trips halted) {
  breaker_config cfg; // 10 %
  cfg.daily_loss_pct = 100;
  breaker b{cfg};
  CAF_CHECK(!b.on_portfolio(account(100000), 1));
  CAF_CHECK(!b.on_portfolio(account(128000, 128000), 2));
  CAF_CHECK(!b.on_portfolio(account(115200.5, 128000), 3)); // 9.9996 %
  auto u = b.on_portfolio(account(115200, 128000), 4);      // exactly 10 %
  CAF_REQUIRE(u);
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(tripped(b, "drawdown"));
  CAF_CHECK(!u.flatten);
  CAF_CHECK(!b.on_portfolio(account(90000, 128000), 5)); // already tripped
}

CAF_TEST(a rule set to reducing with flatten asks for both) {
  breaker_config cfg;
  cfg.daily_loss_pct = 100;
  cfg.drawdown.action = "reducing";
  cfg.drawdown.flatten = true;
  breaker b{cfg};
  b.on_portfolio(account(100000), 1);
  auto u = b.on_portfolio(account(90000), 2);
  CAF_REQUIRE(u);
  CAF_CHECK(u.flatten);
  CAF_CHECK(b.mode() == trading_mode::reducing);
}

CAF_TEST(a rule that is off never trips) {
  breaker_config cfg;
  cfg.drawdown.action = "off";
  cfg.daily_loss.action = "off";
  breaker b{cfg};
  b.on_portfolio(account(100000), 1);
  CAF_CHECK(!b.on_portfolio(account(50000), 2));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(manual resume clears every trip and restarts the peak) {
  breaker_config cfg;
  cfg.daily_loss_pct = 100;
  breaker b{cfg};
  b.on_portfolio(account(100000), 1);
  b.on_portfolio(account(85000), 2);
  CAF_CHECK(b.mode() == trading_mode::halted);
  auto u = b.resume("operator", 3);
  CAF_REQUIRE(u);
  CAF_CHECK(b.mode() == trading_mode::active);
  CAF_CHECK_EQUAL(b.peak(), 85000.0);
  CAF_CHECK(!b.on_portfolio(account(84000), 4)); // from the new peak of 85k
  CAF_CHECK(!b.resume("again", 5));              // nothing to clear
}

CAF_TEST(timed reset of a counting rule only after its cooldown) {
  breaker_config cfg;
  cfg.daily_loss_pct = 100;
  cfg.drawdown.cooldown = 100;
  breaker b{cfg};
  b.on_portfolio(account(100000), 0);
  b.on_portfolio(account(80000), 10);
  CAF_CHECK(!b.on_time(109));
  auto u = b.on_time(110);
  CAF_REQUIRE(u);
  CAF_CHECK(b.mode() == trading_mode::active);
  CAF_CHECK_EQUAL(b.peak(), 80000.0);
}

CAF_TEST(manual halt is not reset by any timer) {
  breaker_config cfg;
  cfg.drawdown.cooldown = 100;
  breaker b{cfg};
  b.halt("operator", 0);
  CAF_CHECK(!b.on_time(1'000'000 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(tripped(b, "manual"));
}

CAF_TEST(non finite equity halts until resumed) {
  breaker b{breaker_config{}};
  auto u = b.on_portfolio(account(std::numeric_limits<double>::quiet_NaN()), 1);
  CAF_REQUIRE(u);
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(tripped(b, "unknown_state"));
  CAF_CHECK(!b.on_time(1'000'000 * sec));
}

CAF_TEST(daily loss at the limit trips and lifts at the next trading day) {
  breaker_config cfg; // 8 %
  cfg.drawdown_pct = 100;
  breaker b{cfg};
  CAF_CHECK(!b.on_portfolio(account(92000.5), 1)); // 7.9995 %
  CAF_REQUIRE(b.on_portfolio(account(92000), 2));  // exactly 8 %
  CAF_CHECK(tripped(b, "daily_loss"));
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(!b.on_time(3)); // no cooldown: the day must end
  // The last moment of the day still counts as today.
  CAF_CHECK(
    !b.on_portfolio(account(92000, 100000, 0, day0 + ns_per_day - 1), 4));
  auto u = b.on_portfolio(account(92000, 92000, 0, day0 + ns_per_day), 5);
  CAF_REQUIRE(u);
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(the trading day can start after utc midnight) {
  breaker_config cfg;
  cfg.drawdown_pct = 100;
  cfg.day_start = std::int64_t{8} * 3600 * sec; // days start 08:00 UTC
  breaker b{cfg};
  b.on_portfolio(account(90000, 100000, 0, day0 + std::int64_t{7} * 3600 * sec),
                 1);
  CAF_REQUIRE(tripped(b, "daily_loss"));
  // UTC midnight passed long ago; 07:59:59 next day is still that day.
  b.on_portfolio(
    account(90000, 100000, 0, day0 + std::int64_t{31} * 3600 * sec), 2);
  CAF_CHECK(tripped(b, "daily_loss"));
  b.on_portfolio(account(90000, 90000, 0, day0 + std::int64_t{32} * 3600 * sec),
                 3);
  CAF_CHECK(!tripped(b, "daily_loss"));
  CAF_CHECK_EQUAL(trading_day(day0 + std::int64_t{8} * 3600 * sec - 1,
                              cfg.day_start),
                  trading_day(day0 - 1, 0));
}

CAF_TEST(a resumed daily loss does not trip again the same day) {
  breaker_config cfg;
  cfg.drawdown_pct = 100;
  breaker b{cfg};
  b.on_portfolio(account(90000), 1);
  CAF_REQUIRE(b.mode() == trading_mode::halted);
  b.resume("operator accepts today's loss", 2);
  CAF_CHECK(!b.on_portfolio(account(89000), 3));
  CAF_CHECK(b.mode() == trading_mode::active);
  // The next day counts again.
  CAF_CHECK(b.on_portfolio(account(80000, 89000, 0, day0 + ns_per_day), 4));
}

CAF_TEST(n consecutive losing trades trip reducing and a win resets) {
  breaker_config cfg; // 5, reducing
  breaker b{cfg};
  double realized = 0;
  b.on_portfolio(account(100000, 100000, realized), 1);
  for (int i = 0; i < 4; ++i)
    CAF_CHECK(!b.on_portfolio(account(100000, 100000, realized -= 10), 2));
  // A win resets the streak; unchanged PnL (an opening fill) is no trade.
  CAF_CHECK(!b.on_portfolio(account(100000, 100000, realized += 5), 3));
  CAF_CHECK(!b.on_portfolio(account(100000, 100000, realized), 3));
  for (int i = 0; i < 4; ++i)
    CAF_CHECK(!b.on_portfolio(account(100000, 100000, realized -= 10), 4));
  CAF_REQUIRE(b.on_portfolio(account(100000, 100000, realized -= 10), 5));
  CAF_CHECK(b.mode() == trading_mode::reducing);
  CAF_CHECK(tripped(b, "losing_streak"));
  // Cooldown 1 h by default.
  CAF_CHECK(!b.on_time(5 + 3600 * sec - 1));
  CAF_CHECK(b.on_time(5 + 3600 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(feed stale at the limit trips and lifts once fresh for the cooldown) {
  breaker_config cfg; // 10 s, reducing, cooldown 30 s
  breaker b{cfg};
  b.on_feed(feed("BTC", feed_health::stale), 0);
  CAF_CHECK(!b.on_time(10 * sec - 1));
  CAF_REQUIRE(b.on_time(10 * sec));
  CAF_CHECK(b.mode() == trading_mode::reducing);
  CAF_CHECK(tripped(b, "feed_stale"));
  b.on_feed(feed("BTC", feed_health::fresh), 20 * sec);
  CAF_CHECK(!b.on_time(50 * sec - 1));
  CAF_CHECK(b.on_time(50 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(a stale feed that is still stale trips again after a resume) {
  breaker b{breaker_config{}};
  b.on_feed(feed("ETH", feed_health::disconnected), 0);
  b.on_time(11 * sec);
  CAF_REQUIRE(tripped(b, "feed_stale"));
  auto u = b.resume("operator", 12 * sec);
  CAF_CHECK(u);
  CAF_CHECK(tripped(b, "feed_stale"));
  CAF_CHECK(b.mode() == trading_mode::reducing);
}

CAF_TEST(persistence backlog is off by default) {
  breaker b{breaker_config{}};
  CAF_CHECK(!b.on_backlog(10'000'000, 0));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(persistence backlog at the limit trips and lifts once below it) {
  breaker_config cfg;
  cfg.persistence_backlog = 1000;
  cfg.persistence_backlog_rule.action = "reducing"; // cooldown 1 min
  breaker b{cfg};
  CAF_CHECK(!b.on_backlog(999, 0));
  CAF_REQUIRE(b.on_backlog(1000, sec));
  CAF_CHECK(b.mode() == trading_mode::reducing);
  CAF_CHECK(tripped(b, "persistence_backlog"));
  CAF_CHECK(!b.on_backlog(5000, 2 * sec)); // still tripped, no change
  b.on_backlog(0, 10 * sec);               // the database took the spool
  CAF_CHECK(!b.on_time(70 * sec - 1));
  CAF_CHECK(b.on_time(70 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(restart storm counts restarts in the window and escalation trips) {
  breaker_config cfg; // 3 in 5 min, halted
  breaker b{cfg};
  CAF_CHECK(!b.on_restart("signal", 0));
  CAF_CHECK(!b.on_restart("signal", 100 * sec));
  CAF_CHECK(!b.on_restart("signal", 300 * sec)); // the first left the window
  CAF_REQUIRE(b.on_restart("signal", 301 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
  breaker c{cfg};
  CAF_REQUIRE(c.on_escalation("feed", 1));
  CAF_CHECK(tripped(c, "restart_storm"));
}

CAF_TEST(unreachable peer trips after the grace and lifts after cooldown) {
  breaker_config cfg; // 2 s, halted, cooldown 10 s
  breaker b{cfg};
  b.on_down("execution", 0);
  CAF_CHECK(!b.on_time(2 * sec - 1));
  // Back within the grace: a supervisor restart is no node loss.
  b.on_up("execution", 2 * sec - 1);
  CAF_CHECK(!b.on_time(5 * sec));
  b.on_down("risk", 10 * sec);
  CAF_REQUIRE(b.on_time(12 * sec));
  CAF_CHECK(tripped(b, "unreachable"));
  b.on_up("risk", 13 * sec);
  CAF_CHECK(!b.on_time(23 * sec - 1));
  CAF_CHECK(b.on_time(23 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(a peer node lost with execution trips unreachable at once) {
  breaker_config cfg; // cooldown 10 s
  breaker b{cfg};
  auto u = b.on_lost("execution", "risk-node", 5 * sec);
  CAF_REQUIRE(u);
  CAF_CHECK(tripped(b, "unreachable"));
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(u.reason.find("unreachable: execution (seen from risk-node) lost")
            == 0);
  // Still gone: the condition holds, no cooldown runs.
  CAF_CHECK(!b.on_time(30 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
  // Back as the node that lost it sees it: lifts after the cooldown.
  b.on_back("execution", "risk-node", 31 * sec);
  CAF_CHECK(!b.on_time(41 * sec - 1));
  CAF_CHECK(b.on_time(41 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(a loss another node saw holds until that node sees the peer back) {
  breaker_config cfg; // cooldown 10 s
  breaker b{cfg};
  // The market node lost execution; this node's own wiring still has it
  // (CI, 2026-12-02: the breaker stayed HALTED with every link up).
  CAF_REQUIRE(b.on_lost("execution", "market-node", 5 * sec));
  b.on_up("execution", 6 * sec);
  CAF_CHECK(!b.on_time(60 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
  // Another node's view does not withdraw it either.
  b.on_back("execution", "risk-node", 61 * sec);
  CAF_CHECK(!b.on_time(80 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
  b.on_back("execution", "market-node", 81 * sec);
  CAF_CHECK(!b.on_time(91 * sec - 1));
  CAF_CHECK(b.on_time(91 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(each node that lost execution has to see it back) {
  breaker_config cfg; // cooldown 10 s
  breaker b{cfg};
  CAF_REQUIRE(b.on_lost("execution", "risk-node", 5 * sec));
  b.on_lost("execution", "market-node", 5 * sec);
  b.on_back("execution", "risk-node", 6 * sec);
  CAF_CHECK(!b.on_time(30 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
  b.on_back("execution", "market-node", 31 * sec);
  CAF_CHECK(b.on_time(41 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(what a lost node reported is forgotten with it) {
  breaker_config cfg; // cooldown 10 s
  breaker b{cfg};
  CAF_REQUIRE(b.on_lost("execution", "market-node", 5 * sec));
  b.on_lost("execution", "risk-node", 5 * sec);
  // The market node is gone itself: it cannot withdraw its report.
  b.forget_reports_of("market-node", 6 * sec);
  CAF_CHECK(!b.on_time(30 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted); // risk-node's report holds
  b.on_back("execution", "risk-node", 31 * sec);
  CAF_CHECK(b.on_time(41 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
  // A nameless node forgets nothing.
  CAF_REQUIRE(b.on_lost("execution", "market-node", 50 * sec));
  b.forget_reports_of("", 51 * sec);
  CAF_CHECK(!b.on_time(70 * sec));
  CAF_CHECK(b.mode() == trading_mode::halted);
}

CAF_TEST(a lost feed node counts as stale and trips after the stale limit) {
  breaker_config cfg; // feed_stale_after 10 s, reducing
  breaker b{cfg};
  CAF_CHECK(!b.on_lost("feed", "risk-node", 0));
  // producers keep their events
  CAF_CHECK(!b.on_lost("persistence", "risk-node", 0));
  CAF_CHECK(!b.on_time(10 * sec - 1));
  CAF_REQUIRE(b.on_time(10 * sec));
  CAF_CHECK(tripped(b, "feed_stale"));
  CAF_CHECK(b.mode() == trading_mode::reducing);
  b.on_up("feed", 11 * sec); // this node's wiring: not the report's end
  CAF_CHECK(!b.on_time(60 * sec));
  b.on_back("feed", "risk-node", 61 * sec); // cooldown 30 s
  CAF_CHECK(!b.on_time(91 * sec - 1));
  CAF_CHECK(b.on_time(91 * sec));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(rejection burst counts rejections of the decision layers only) {
  breaker_config cfg;
  cfg.rejection_burst = 3;
  cfg.rejection_window = 10 * sec;
  breaker b{cfg};
  CAF_CHECK(!b.on_decision(rejection(0), 1));
  CAF_CHECK(!b.on_decision(rejection(sec, "trading_state"), 1));
  CAF_CHECK(!b.on_decision(rejection(sec, "readiness"), 1));
  auto ok = rejection(sec);
  ok.approved = true;
  CAF_CHECK(!b.on_decision(ok, 1));
  CAF_CHECK(!b.on_decision(rejection(5 * sec), 1));
  CAF_CHECK(!b.on_decision(rejection(10 * sec), 1)); // the first is out
  CAF_REQUIRE(b.on_decision(rejection(11 * sec), 1));
  CAF_CHECK(b.mode() == trading_mode::reducing);
}

CAF_TEST(execution errors burst trips halted) {
  breaker_config cfg; // 5 in 60 s
  breaker b{cfg};
  for (int i = 0; i < 4; ++i)
    CAF_CHECK(!b.on_order_event(venue_reject(i * sec), 1));
  order_event fine;
  fine.kind = order_event_kind::filled;
  CAF_CHECK(!b.on_order_event(fine, 1));
  CAF_REQUIRE(b.on_order_event(venue_reject(59 * sec), 1));
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(tripped(b, "execution_errors"));
}

CAF_TEST(the mode is the most severe active trip) {
  breaker b{breaker_config{}};
  b.on_feed(feed("BTC", feed_health::stale), 0);
  b.on_time(10 * sec);
  CAF_CHECK(b.mode() == trading_mode::reducing);
  b.halt("operator", 11 * sec);
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK_EQUAL(b.trips().size(), 2u);
}

CAF_TEST(a restored state brings back trips and peak) {
  breaker_config cfg;
  breaker first{cfg};
  first.on_portfolio(account(120000, 120000), 1);
  first.on_portfolio(account(100000, 120000), 2);
  CAF_REQUIRE(first.mode() == trading_mode::halted);
  auto recorded = first.state("st-9", "test", 3);
  breaker second{cfg};
  CAF_REQUIRE(second.restore(recorded, 4));
  CAF_CHECK(second.mode() == trading_mode::halted);
  CAF_CHECK_EQUAL(second.peak(), 120000.0);
  CAF_CHECK(tripped(second, "drawdown"));
  // A restart is no reset: the timer does not lift a manual-only trip.
  CAF_CHECK(!second.on_time(1'000'000 * sec));
  CAF_CHECK(second.resume("operator", 5));
  CAF_CHECK(second.mode() == trading_mode::active);
}

CAF_TEST(a new process takes over only the trips that wait for a person) {
  breaker_config cfg; // losing_streak and feed_stale have cooldowns
  breaker first{cfg};
  first.halt("operator", 1);
  first.on_feed(feed("BTC", feed_health::stale), 1);
  first.on_time(20 * sec);
  double realized = 0;
  first.on_portfolio(account(100000, 100000, realized), 21 * sec);
  for (int i = 0; i < 5; ++i)
    first.on_portfolio(account(100000, 100000, realized -= 1), 21 * sec);
  CAF_REQUIRE_EQUAL(first.trips().size(), 3u);
  auto recorded = first.state("st-old-1-7", "test", 22 * sec);
  breaker next_process{cfg};
  next_process.restore(recorded, 23 * sec, false);
  CAF_REQUIRE_EQUAL(next_process.trips().size(), 1u);
  CAF_CHECK(tripped(next_process, "manual"));
  breaker restarted_actor{cfg};
  restarted_actor.restore(recorded, 23 * sec, true);
  CAF_CHECK_EQUAL(restarted_actor.trips().size(), 3u);
}

CAF_TEST(a breaker that cannot recover is halted until resumed) {
  breaker_config cfg;
  cfg.drawdown.cooldown = 1;
  breaker b{cfg};
  CAF_REQUIRE(b.unknown_state(1));
  CAF_CHECK(b.mode() == trading_mode::halted);
  CAF_CHECK(!b.on_time(1'000'000 * sec));
  CAF_CHECK(b.resume("operator", 3));
  CAF_CHECK(b.mode() == trading_mode::active);
}

CAF_TEST(config errors name the key and the rule) {
  breaker_config cfg;
  cfg.feed_stale.action = "panic";
  cfg.unreachable.cooldown = -1;
  cfg.losing_streak = 0;
  std::vector<std::string> errors;
  cfg.validate(errors);
  CAF_REQUIRE_EQUAL(errors.size(), 3u);
  CAF_CHECK_EQUAL(errors[0], "circuit_breaker.losing_streak = 0: must be >= 1");
  CAF_CHECK_EQUAL(errors[1], "circuit_breaker.feed_stale_action = panic: must "
                             "be halted, reducing or off");
  CAF_CHECK_EQUAL(errors[2], "circuit_breaker.unreachable_cooldown = -1ns: "
                             "must be >= 0 (0: manual reset only)");
}

CAF_TEST(the periodic check waits for input only while time can change nothing) {
  breaker_config cfg;
  cfg.daily_loss.cooldown = 60 * sec;
  breaker b{cfg};
  CAF_CHECK(b.waits_for_input()); // nothing tripped, stale or down
  b.on_feed(feed("BTC", feed_health::stale), 1);
  CAF_CHECK(!b.waits_for_input()); // feed_stale counts from now
  b.on_feed(feed("BTC", feed_health::fresh), 2);
  CAF_CHECK(b.waits_for_input());
  b.on_down("execution", 3);
  CAF_CHECK(!b.waits_for_input()); // unreachable after 2 s
  b.on_up("execution", 4);
  CAF_CHECK(b.waits_for_input());
  // A drawdown trip without a cooldown stands until an operator resumes.
  CAF_CHECK(!b.on_portfolio(account(100000), 5));
  CAF_CHECK(b.waits_for_input());
  CAF_REQUIRE(b.on_portfolio(account(89000, 89000), 5));
  CAF_CHECK(tripped(b, "drawdown"));
  CAF_CHECK(b.waits_for_input());
  // A daily loss that still holds: its cooldown has not started.
  CAF_REQUIRE(b.on_portfolio(account(80000, 89000), 6));
  CAF_CHECK(tripped(b, "daily_loss"));
  CAF_CHECK(b.waits_for_input());
  // Cleared: its cooldown runs, and only a check lifts it.
  b.on_portfolio(account(88000, 89000), 7);
  CAF_CHECK(!b.waits_for_input());
  CAF_CHECK(b.on_time(7 + 60 * sec));
  CAF_CHECK(!tripped(b, "daily_loss"));
  CAF_CHECK(b.waits_for_input());
  CAF_CHECK(b.halt("operator", 8)); // manual: until resumed
  CAF_CHECK(b.waits_for_input());
  // A losing streak lifts after its cooldown (1 h by default).
  breaker streak{cfg};
  for (int i = 1; i <= 6; ++i)
    streak.on_portfolio(account(100000 - i, 100000, -i), i);
  CAF_REQUIRE(tripped(streak, "losing_streak"));
  CAF_CHECK(!streak.waits_for_input());
  // The backlog is read at each check, so a rule on it never waits.
  breaker_config polled = cfg;
  polled.persistence_backlog_rule.action = "reducing";
  CAF_CHECK(!breaker{polled}.waits_for_input());
}

CAF_TEST(a stale feed or a lost peer waits for input once its trip holds) {
  breaker_config cfg; // feed_stale after 10 s, unreachable after 2 s
  cfg.feed_stale.cooldown = 30 * sec;
  breaker b{cfg};
  b.on_feed(feed("BTC", feed_health::stale), 0);
  CAF_CHECK(!b.waits_for_input()); // the trip is still to come
  CAF_REQUIRE(b.on_time(10 * sec));
  CAF_REQUIRE(tripped(b, "feed_stale"));
  CAF_CHECK(b.waits_for_input()); // a check would only find it again
  b.on_feed(feed("ETH", feed_health::stale), 11 * sec);
  CAF_CHECK(b.waits_for_input()); // tripped already: ETH adds nothing
  b.on_down("execution", 12 * sec);
  CAF_CHECK(!b.waits_for_input()); // unreachable counts from now
  CAF_REQUIRE(b.on_time(14 * sec));
  CAF_REQUIRE(tripped(b, "unreachable"));
  CAF_CHECK(b.waits_for_input());
  b.on_up("execution", 15 * sec);
  CAF_CHECK(!b.waits_for_input()); // cleared: its 10 s cooldown runs
  CAF_CHECK(b.on_time(25 * sec));
  CAF_CHECK(!tripped(b, "unreachable"));
  b.on_feed(feed("BTC", feed_health::fresh), 26 * sec);
  CAF_CHECK(b.waits_for_input()); // ETH is still stale
  b.on_feed(feed("ETH", feed_health::fresh), 27 * sec);
  CAF_CHECK(!b.waits_for_input()); // cleared: the cooldown runs
  CAF_CHECK(b.on_time(57 * sec));
  CAF_CHECK(!tripped(b, "feed_stale"));
  CAF_CHECK(b.waits_for_input());
  // The rule off: a stale feed trips nothing, and nothing is checked.
  breaker_config off = cfg;
  off.feed_stale.action = "off";
  breaker quiet{off};
  quiet.on_feed(feed("BTC", feed_health::stale), 0);
  CAF_CHECK(quiet.waits_for_input());
  CAF_CHECK(!quiet.on_time(60 * sec));
}

namespace {

/// Two breakers fed the same inputs; the eager one also runs every
/// periodic check, the lazy one only those due while it does not wait for
/// input (breaker_actor.cpp). Any difference is a check the wait left out
/// that would have changed something.
struct eager_and_lazy {
  breaker eager;
  breaker lazy;
  std::size_t checks_left_out = 0;
  std::size_t differences = 0;

  explicit eager_and_lazy(const breaker_config& cfg) : eager{cfg}, lazy{cfg} {}

  void compare(const breaker_update& a, const breaker_update& b) {
    if (a.changed != b.changed || a.flatten != b.flatten
        || a.reason != b.reason)
      ++differences;
  }

  template <class F>
  void input(F f) {
    auto a = f(eager);
    compare(a, f(lazy));
  }

  void check(std::uint64_t backlog, timestamp t) {
    bool waits = lazy.waits_for_input();
    auto u = eager.on_backlog(backlog, t);
    auto w = eager.on_time(t);
    if (waits) {
      ++checks_left_out;
      differences += u.changed || w.changed ? 1 : 0;
      return;
    }
    compare(u, lazy.on_backlog(backlog, t));
    compare(w, lazy.on_time(t));
  }

  bool same() const {
    auto a = eager.trips();
    auto b = lazy.trips();
    auto equal = [](const breaker_trip& x, const breaker_trip& y) {
      return x.tie() == y.tie();
    };
    return eager.mode() == lazy.mode() && eager.peak() == lazy.peak()
           && std::equal(a.begin(), a.end(), b.begin(), b.end(), equal);
  }
};

} // namespace

namespace {

/// Random inputs for eager_and_lazy: busy spells trip rules, calm ones
/// (fresh feeds, peers back, an unchanged account, checks) let the trips
/// lift and the breaker wait.
struct random_inputs {
  std::mt19937_64 rng{20261206};
  timestamp t = day0;
  double equity = 100000;
  double realized = 0;
  std::size_t checks = 0;

  std::uint64_t pick(std::uint64_t n) {
    return rng() % n;
  }

  const char* name() {
    return pick(2) == 0 ? "BTC" : "ETH";
  }

  const char* role() {
    return pick(2) == 0 ? "risk" : "execution";
  }

  breaker_config config() {
    const char* actions[] = {"halted", "reducing", "off"};
    breaker_config cfg;
    cfg.drawdown_pct = 4;
    cfg.daily_loss_pct = 3;
    cfg.losing_streak = 2;
    cfg.restart_storm = 2;
    cfg.rejection_burst = 3;
    cfg.execution_errors = 2;
    cfg.persistence_backlog = 50;
    for (std::size_t r = 0; r < configurable_rule_count; ++r) {
      auto& a = cfg.configurable(static_cast<breaker_rule>(r));
      a.action = actions[pick(3)];
      a.flatten = pick(2) == 0;
      a.cooldown = pick(3) == 0 ? 0
                                : static_cast<nanoseconds>(1 + pick(90)) * sec;
    }
    if (pick(4) != 0) // mostly off, as shipped: the check may wait
      cfg.persistence_backlog_rule.action = "off";
    return cfg;
  }

  void account_to(eager_and_lazy& p) {
    p.input([&](breaker& b) {
      return b.on_portfolio(account(equity, 100000, realized, t), t);
    });
  }

  void check(eager_and_lazy& p) {
    ++checks;
    p.check(pick(100), t);
  }

  void calm(eager_and_lazy& p) {
    auto* n = name();
    auto* r = role();
    switch (pick(5)) {
      case 0:
        p.input([&](breaker& b) {
          return b.on_feed(feed(n, feed_health::fresh), t);
        });
        break;
      case 1:
        p.input([&](breaker& b) { return b.on_up(r, t); });
        p.input([&](breaker& b) { return b.on_back(r, "node-b", t); });
        p.input([&](breaker& b) { return b.on_back("feed", "node-b", t); });
        break;
      case 2: account_to(p); break;
      default: check(p);
    }
  }

  void busy(eager_and_lazy& p) {
    switch (pick(10)) {
      case 0:
        equity *= 1 + (static_cast<double>(pick(201)) - 100) / 2000;
        if (pick(3) == 0)
          realized += static_cast<double>(pick(201)) - 110;
        account_to(p);
        break;
      case 1: {
        auto x = pick(12);
        auto h = x < 2
                   ? feed_health::stale
                   : (x < 3 ? feed_health::disconnected : feed_health::fresh);
        auto* n = name();
        p.input([&](breaker& b) { return b.on_feed(feed(n, h), t); });
        break;
      }
      case 2:
        if (pick(2) == 0)
          p.input([&](breaker& b) { return b.on_decision(rejection(t), t); });
        else
          p.input(
            [&](breaker& b) { return b.on_order_event(venue_reject(t), t); });
        break;
      case 3:
        p.input([&](breaker& b) { return b.resume("operator", t); });
        break;
      case 4: {
        auto* r = role();
        bool down = pick(2) == 0;
        p.input(
          [&](breaker& b) { return down ? b.on_down(r, t) : b.on_up(r, t); });
        break;
      }
      case 5: {
        auto* r = pick(3) == 0 ? "feed" : role();
        bool lost = pick(2) == 0;
        p.input([&](breaker& b) {
          return lost ? b.on_lost(r, "node-b", t) : b.on_back(r, "node-b", t);
        });
        break;
      }
      case 6:
        if (pick(8) == 0)
          p.input([&](breaker& b) { return b.halt("operator", t); });
        else
          p.input([&](breaker& b) { return b.on_restart("risk", t); });
        break;
      default: check(p);
    }
  }
};

} // namespace

CAF_TEST(a check left out while waiting for input would have changed nothing) {
  random_inputs in;
  std::size_t left_out = 0;
  for (int run = 0; run < 200; ++run) {
    eager_and_lazy p{in.config()};
    in.t = day0;
    in.equity = 100000;
    in.realized = 0;
    for (int step = 0; step < 400; ++step) {
      in.t += in.pick(20) == 0
                ? static_cast<nanoseconds>(in.pick(30)) * 3600 * sec
                : static_cast<nanoseconds>(in.pick(4000)) * 1'000'000;
      if ((step / 50) % 2 == 1)
        in.calm(p);
      else
        in.busy(p);
      if (!p.same() || p.differences > 0)
        CAF_FAIL("run " << run << " step " << step << ": the breakers differ");
    }
    left_out += p.checks_left_out;
  }
  CAF_MESSAGE(left_out << " of " << in.checks << " checks left out");
  CAF_CHECK_GREATER(left_out, in.checks / 10); // the wait is not vacuous
}
