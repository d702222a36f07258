// Timers taken by calls (runtime/direct_market.hpp, attach_timer): on the
// lockstep scheduler, an idle actor's timer to itself runs its handler by a
// call instead of a message, and what follows is what its turn would have
// done. Each scenario runs twice, with the clock offering the timers
// (direct) and without (every timer a message), and the two logs must be
// the same apart from how the timer arrived.
#define CAF_SUITE direct_timer
#include <stdexcept>

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>

#include "messages/register.hpp"
#include "runtime/direct_market.hpp"
#include "runtime/lockstep.hpp"

using namespace cdb;

namespace {

using log_ptr = std::shared_ptr<std::vector<std::string>>;

/// An actor with a role's name (its place in the order of turns) that logs
/// every string it gets as "name:text".
class logger : public caf::event_based_actor {
public:
  logger(caf::actor_config& cfg, std::string name, log_ptr log)
    : caf::event_based_actor(cfg), name_(std::move(name)),
      log_(std::move(log)) {
    // nop
  }

  const char* name() const override {
    return name_.c_str();
  }

  caf::behavior make_behavior() override {
    return {[this](const std::string& x) { log_->push_back(name_ + ":" + x); }};
  }

private:
  std::string name_;
  log_ptr log_;
};

/// "execution": every second its timer logs how it came ("timer:call" or
/// "timer:msg"), tells `peer` (risk: a lower rank, so its turn would come
/// first among the actors the timer makes ready) and itself, and sets the
/// timer again. Its `fires`-th timer throws when `throw_at` says so.
class ticker : public caf::event_based_actor {
public:
  ticker(caf::actor_config& cfg, log_ptr log, caf::actor peer,
         direct_market_ptr direct, int throw_at)
    : caf::event_based_actor(cfg), log_(std::move(log)), peer_(std::move(peer)),
      direct_(std::move(direct)), throw_at_(throw_at) {
    // nop
  }

  const char* name() const override {
    return "execution";
  }

  caf::behavior make_behavior() override {
    delayed_send(this, std::chrono::seconds{1}, timer_atom::value);
    if (direct_)
      direct_->attach_timer(this, timer_atom::value,
                            [this] { on_timer("call"); });
    return {
      [this](timer_atom) { on_timer("msg"); },
      [this](const std::string& x) { log_->push_back("execution:" + x); },
    };
  }

private:
  void on_timer(const char* how) {
    log_->push_back(std::string{"execution:timer:"} + how);
    if (++fires_ == throw_at_)
      throw std::runtime_error("broken timer");
    send(peer_, std::string{"hello"});
    send(this, std::string{"to myself"});
    delayed_send(this, std::chrono::seconds{1}, timer_atom::value);
  }

  log_ptr log_;
  caf::actor peer_;
  direct_market_ptr direct_;
  int throw_at_;
  int fires_ = 0;
};

struct config : caf::actor_system_config {
  config() {
    register_messages(*this);
    load<lockstep_scheduler>();
  }
};

/// One scenario on a fresh actor system; direct: the clock offers the
/// timers to the direct market.
struct run {
  config cfg;
  caf::actor_system sys{cfg};
  lockstep_scheduler& sched{dynamic_cast<lockstep_scheduler&>(sys.scheduler())};
  log_ptr log = std::make_shared<std::vector<std::string>>();
  direct_market_ptr direct;
  caf::actor risk;
  caf::actor ticking;
  caf::error exit_reason;
  bool exited = false;

  run(bool with_calls, int throw_at = 0) {
    if (with_calls) {
      direct = std::make_shared<direct_market>(sched);
      sched.clock().take_self_timers(
        [d = direct](caf::abstract_actor* self,
                     const caf::type_erased_tuple& m) {
          return d->take_timer(self, m);
        });
    }
    risk = sys.spawn<logger>("risk", log);
    ticking = sys.spawn<ticker>(log, risk, direct, throw_at);
    ticking->attach_functor([this](const caf::error& reason) {
      exited = true;
      exit_reason = reason;
    });
    sched.run();
  }

  ~run() {
    caf::anon_send_exit(risk, caf::exit_reason::kill);
    caf::anon_send_exit(ticking, caf::exit_reason::kill);
    sched.run();
  }

  /// Fires timers `n` times, each followed by every turn it caused.
  void fire(int n) {
    for (int i = 0; i < n; ++i) {
      CAF_REQUIRE(sched.clock().fire_next());
      sched.run();
    }
  }

  /// The log with the way each timer came taken out.
  std::vector<std::string> plain() const {
    std::vector<std::string> out;
    for (auto s : *log) {
      if (s == "execution:timer:call" || s == "execution:timer:msg")
        s = "execution:timer";
      out.push_back(std::move(s));
    }
    return out;
  }

  std::size_t count(const std::string& x) const {
    return static_cast<std::size_t>(std::count(log->begin(), log->end(), x));
  }
};

} // namespace

CAF_TEST(a timer taken by a call does what its turn would have done) {
  run calls{true};
  run messages{false};
  calls.fire(3);
  messages.fire(3);
  CAF_CHECK_EQUAL(calls.count("execution:timer:call"), 3u);
  CAF_CHECK_EQUAL(messages.count("execution:timer:msg"), 3u);
  // What it sent itself comes in the same turn, before risk's turn.
  std::vector<std::string> once{"execution:timer", "execution:to myself",
                                "risk:hello"};
  std::vector<std::string> want;
  for (int i = 0; i < 3; ++i)
    want.insert(want.end(), once.begin(), once.end());
  CAF_CHECK_EQUAL(messages.plain(), want);
  CAF_CHECK_EQUAL(calls.plain(), want);
}

CAF_TEST(an actor with mail waiting gets its timer by message behind it) {
  run calls{true};
  caf::anon_send(calls.ticking, std::string{"waiting"});
  calls.fire(1); // the mail made it ready: the timer is not taken
  calls.fire(1); // idle again: taken
  std::vector<std::string> want{
    "execution:waiting", "execution:timer:msg",  "execution:to myself",
    "risk:hello",        "execution:timer:call", "execution:to myself",
    "risk:hello"};
  CAF_CHECK_EQUAL(*calls.log, want);
}

CAF_TEST(a timer that throws fails its actor as in its turn) {
  run calls{true, 2};
  run messages{false, 2};
  calls.fire(2);
  messages.fire(2);
  CAF_CHECK(calls.exited);
  CAF_CHECK(messages.exited);
  CAF_CHECK_EQUAL(calls.exit_reason, messages.exit_reason);
  CAF_CHECK_EQUAL(calls.plain(), messages.plain());
  // Done: no timer of it is taken any more, nothing is left to fire.
  CAF_CHECK(!calls.sched.clock().fire_next());
}
