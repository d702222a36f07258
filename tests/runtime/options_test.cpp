#define CAF_SUITE options
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <memory>

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>

#include "actors/circuit_breaker/breaker_actor.hpp"
#include "messages/register.hpp"
#include "runtime/clock.hpp"
#include "runtime/config_check.hpp"
#include "runtime/options.hpp"

using namespace cdb;

namespace {

struct fixture {
  cdb_options cfg;
  std::map<std::string, std::string> env;
  bool help = false;

  std::vector<std::string> load(const std::vector<std::string>& args) {
    auto getenv = [this](const char* name) -> const char* {
      auto i = env.find(name);
      return i == env.end() ? nullptr : i->second.c_str();
    };
    auto errors = load_options(cfg, args, getenv, help);
    cfg.validate(errors);
    return errors;
  }

  static bool names(const std::vector<std::string>& errors,
                    const std::string& key) {
    for (auto& e : errors)
      if (e.find(key) != std::string::npos)
        return true;
    return false;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(options_tests, fixture)

CAF_TEST(flags set values and later sources win) {
  env["CDB_RISK_MAX_SPREAD_BPS"] = "7";
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  auto errors = load({"--risk.max_spread_bps=9", "--signal.bars=2min",
                      "--signal.strategies=[\"ema_cross BTCUSDT fast=3 "
                      "slow=8\", \"breakout *\"]"});
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(cfg.node.risk.max_spread_bps, 9.0);
  CAF_CHECK_EQUAL(cfg.node.signal.bars, "2min");
  CAF_REQUIRE_EQUAL(cfg.node.signal.strategies.size(), 2u);
  CAF_CHECK_EQUAL(cfg.node.signal.strategies[0],
                  "ema_cross BTCUSDT fast=3 slow=8");
  CAF_CHECK_EQUAL(cfg.node.persistence.dsn, "host=/tmp");
}

CAF_TEST(actors handle one message per run unless told otherwise) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  CAF_CHECK(load({}).empty());
  CAF_CHECK_EQUAL(cfg.node.actor_throughput, default_actor_throughput);
  CAF_CHECK_EQUAL(default_actor_throughput, 1u);
  env["CDB_RUN_ACTOR_THROUGHPUT"] = "0";
  CAF_CHECK(load({}).empty());
  CAF_CHECK_EQUAL(cfg.node.actor_throughput, 0u);
  CAF_CHECK(load({"--run.actor_throughput=16"}).empty());
  CAF_CHECK_EQUAL(cfg.node.actor_throughput, 16u);
  CAF_CHECK(names(load({"--run.actor_throughput=-1"}), "run.actor_throughput"));
}

CAF_TEST(the timer slack is one microsecond unless told otherwise) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  CAF_CHECK(load({}).empty());
  CAF_CHECK_EQUAL(cfg.timer_slack.count(), 1'000);
  CAF_CHECK(load({"--run.timer_slack=0s"}).empty());
  CAF_CHECK_EQUAL(cfg.timer_slack.count(), 0);
  CAF_CHECK(load({"--run.timer_slack=1ms"}).empty());
  CAF_CHECK(names(load({"--run.timer_slack=1001us"}),
                  "run.timer_slack = 1001us: must be between 0 and 1ms"));
  CAF_CHECK(names(load({"--run.timer_slack=-1us"}),
                  "run.timer_slack = -1us: must be between 0 and 1ms"));
}

CAF_TEST(cdb runs two CAF workers unless told otherwise) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  auto workers = [this] {
    return caf::get_or(cfg.content, "scheduler.max-threads", std::size_t{0});
  };
  CAF_CHECK(load({}).empty());
  CAF_CHECK_EQUAL(workers(), 2u);
  CAF_CHECK(load({"--scheduler.max-threads=1"}).empty());
  CAF_CHECK_EQUAL(workers(), 1u);
}

CAF_TEST(the live scheduler is home unless told otherwise) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  CAF_CHECK(load({}).empty());
  CAF_CHECK_EQUAL(cfg.scheduler, "home");
  CAF_CHECK_EQUAL(cfg.helper_stall, default_helper_stall);
  CAF_CHECK_EQUAL(cfg.helper_backlog, default_helper_backlog);
  CAF_CHECK(load({"--run.scheduler=stealing", "--run.helper_stall=2ms",
                  "--run.helper_backlog=8"})
              .empty());
  CAF_CHECK_EQUAL(cfg.scheduler, "stealing");
  CAF_CHECK_EQUAL(cfg.helper_stall, caf::timespan{2'000'000});
  CAF_CHECK_EQUAL(cfg.helper_backlog, 8u);
  CAF_CHECK(names(load({"--run.scheduler=sharing"}),
                  "run.scheduler = sharing: must be home or stealing"));
  CAF_CHECK(names(load({"--run.helper_stall=0s"}),
                  "run.helper_stall = 0s: must be > 0 and <= 1s"));
  CAF_CHECK(names(load({"--run.helper_stall=2s"}),
                  "run.helper_stall = 2s: must be > 0 and <= 1s"));
  CAF_CHECK(names(load({"--run.helper_backlog=0"}),
                  "run.helper_backlog = 0: must be >= 1"));
}

namespace {

// Why a live node has two workers (docs/decisions.md): an actor stuck in a
// handler holds one worker, and the circuit breaker must still answer. With
// one worker the halt below waits for the stuck handler, and the request
// times out; on the home scheduler a helper takes the breaker from the
// stuck home worker after run.helper_stall.
void breaker_answers_while_a_worker_is_held(cdb_options& cfg) {
  register_messages(cfg);
  cfg.load_scheduler();
  // Declared before the system: the stuck actor points at it until the
  // system is gone.
  struct latch {
    std::promise<void> holding;
    std::promise<void> release;
  } l;
  auto released = l.release.get_future().share();
  caf::actor_system sys{cfg};
  CAF_CHECK_EQUAL(dynamic_cast<home_scheduler*>(&sys.scheduler()) != nullptr,
                  cfg.scheduler == "home");
  // A strategy that takes long over a tick, as far as the scheduler sees.
  auto stuck = sys.spawn(
    [](caf::event_based_actor*, latch* lp,
       const std::shared_future<void>& until) -> caf::behavior {
      return {[lp, until](int) {
        lp->holding.set_value();
        until.wait_for(std::chrono::seconds{30});
      }};
    },
    &l, released);
  caf::anon_send(stuck, 1);
  l.holding.get_future().wait();
  actor_context ctx;
  ctx.run_id = "workers";
  ctx.clock = std::make_shared<wall_clock>();
  ctx.metrics = std::make_shared<node_metrics>();
  auto breaker = sys.spawn(spawn_breaker, breaker_config{}, ctx);
  caf::scoped_actor operator_{sys};
  bool answered = false;
  operator_
    ->request(breaker, std::chrono::seconds{10}, halt_trading{"test: halt"})
    .receive(
      [&](const trading_state& s) {
        answered = true;
        CAF_CHECK_EQUAL(s.mode, trading_mode::halted);
      },
      [&](caf::error& e) { CAF_ERROR("no answer: " << to_string(e)); });
  CAF_CHECK(answered);
  l.release.set_value();
  operator_->send_exit(breaker, caf::exit_reason::user_shutdown);
  operator_->send_exit(stuck, caf::exit_reason::user_shutdown);
}

} // namespace

CAF_TEST(a handler that holds one worker does not hold the circuit breaker) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  CAF_REQUIRE(load({}).empty());
  breaker_answers_while_a_worker_is_held(cfg);
}

CAF_TEST(nor on the work stealing scheduler of CAF) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  CAF_REQUIRE(load({"--run.scheduler=stealing"}).empty());
  breaker_answers_while_a_worker_is_held(cfg);
}

CAF_TEST(a split backtest waits a minute for its nodes unless told otherwise) {
  env["CDB_PERSISTENCE_DSN"] = "host=/tmp";
  CAF_CHECK(load({}).empty());
  CAF_CHECK_EQUAL(cfg.node.cluster.link_timeout, 60'000'000'000);
  CAF_CHECK(load({"--node.link_timeout=3s"}).empty());
  CAF_CHECK_EQUAL(cfg.node.cluster.link_timeout, 3'000'000'000);
  CAF_CHECK(names(load({"--node.link_timeout=0s"}), "node.link_timeout"));
}

CAF_TEST(config file values are typed and integers widen to reals) {
  auto path = std::string{"/tmp/cdb-options-test.conf"};
  std::ofstream{path} << "[risk]\nmax_position_pct=8\n[market]\nseed=7\n"
                      << "[persistence]\ndsn=\"x\"\n";
  auto errors = load({"--config", path});
  std::remove(path.c_str());
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(cfg.node.risk.max_position_pct, 8.0);
  CAF_CHECK_EQUAL(cfg.node.feed.synthetic.seed, 7u);
}

CAF_TEST(every bad value class names its key) {
  env["CDB_RISK_MAX_DAILY_DRAWDOWN_PCT"] = "0";
  auto errors = load({"--risk.max_spread_bps=wide", "--risk.nope=1",
                      "--signal.strategies=[\"ema_cross * fast=50\"]",
                      "--supervisor.max_restarts=0"});
  CAF_CHECK(names(errors, "risk.max_spread_bps = \"wide\""));
  CAF_CHECK(names(errors, "unknown key risk.nope"));
  CAF_CHECK(names(errors, "signal.strategies[0] \"ema_cross * fast=50\": "
                          "slow = (default): must be > fast"));
  CAF_CHECK(names(errors, "supervisor.max_restarts = 0"));
  CAF_CHECK(names(errors, "risk.max_daily_drawdown_pct = 0"));
  CAF_CHECK(names(errors, "persistence.dsn"));
}

CAF_TEST(run group rules name key value and rule) {
  auto errors = load({"--run.duration=-1s", "--run.chaos_kill_actor=db",
                      "--run.log_level=loud"});
  CAF_CHECK(names(errors, "run.duration = -1s: must be >= 0"));
  CAF_CHECK(names(errors, "run.chaos_kill_actor = db: must be empty or one"));
  CAF_CHECK(names(errors, "run.log_level = loud"));
}

CAF_TEST(durations in messages use config file units) {
  CAF_CHECK_EQUAL(config_check::format_span(0), "0s");
  CAF_CHECK_EQUAL(config_check::format_span(2'000'000'000), "2s");
  CAF_CHECK_EQUAL(config_check::format_span(250'000'000), "250ms");
  CAF_CHECK_EQUAL(config_check::format_span(1'500'000), "1500us");
  CAF_CHECK_EQUAL(config_check::format_span(-1'000'000'000), "-1s");
  CAF_CHECK_EQUAL(config_check::format_span(7), "7ns");
}

CAF_TEST(help lists every group with defaults and env names) {
  load({"--help"});
  CAF_CHECK(help);
  auto text = cfg.help();
  for (auto key :
       {"--risk.max_position_pct", "--market.seed", "--persistence.dsn",
        "--supervisor.window", "CDB_RISK_MAX_EXPOSURE_PCT", "(default: 10"})
    CAF_CHECK(text.find(key) != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
