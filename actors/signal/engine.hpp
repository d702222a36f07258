// The signal engine: routes market data of each instrument to its strategy
// instances, builds their bars, and turns their intents into signals. It
// owns what every strategy shares:
// - warm-up: an instance signals only once its strategy is warm() and it has
//   seen `warmup` bars; the first warm bar is reported (events());
// - cooldown: `cooldown` bars after a signal the instance stays silent;
// - replay: while replaying (history at start) state advances, nothing is
//   emitted;
// - containment: an exception from a strategy (or an intent without a sane
//   price) is counted against that instance only, which then starts afresh
//   (and warms up again); after max_strategy_errors it is disabled.
// Pure C++: the actor stamps ids and processing times and sends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/signal/signal_config.hpp"
#include "messages/status.hpp"
#include "runtime/instrument_cache.hpp"

namespace cdb {

enum class engine_event_kind : std::uint8_t { warm, error, disabled };

/// Something worth a log line.
struct engine_event {
  engine_event_kind kind;
  std::string text;
};

class signal_engine {
public:
  /// Expects a validated config.
  explicit signal_engine(const signal_config& cfg);
  ~signal_engine();

  void on_trade(const trade_tick& t, std::vector<signal>& out);
  void on_quote(const quote_tick& q, std::vector<signal>& out);
  /// A venue bar: used as-is by instances with time bars of its interval.
  void on_bar(const bar& b, std::vector<signal>& out);

  /// A time bar recorded by an earlier run of this node, oldest first:
  /// taken by instances building bars of its interval that have built none
  /// yet (call while replaying).
  void on_recorded_bar(const bar& b, std::vector<signal>& out);

  /// With recording on, the time bars the instances' builders close are
  /// kept, each (instrument, interval, start) once, until taken.
  void record_bars(bool x) noexcept {
    record_bars_ = x;
  }

  /// The bars closed since the last call (recording on); cleared by it.
  std::vector<bar> take_built_bars();

  bool has_built_bars() const noexcept {
    return !built_.empty();
  }

  /// While true, strategies learn but nothing is emitted.
  void replaying(bool x) noexcept {
    replaying_ = x;
  }

  /// True when every instance is warm (and there is at least one).
  bool warm() const noexcept;

  std::vector<strategy_status> status() const;

  /// How many instances exist, and how many of them are warm.
  std::size_t instances() const noexcept {
    return instances_.size();
  }

  std::size_t warm_instances() const noexcept;

  /// What happened since the last call (warm-ups, errors); cleared by it.
  std::vector<engine_event> take_events();

  bool has_events() const noexcept {
    return !events_.empty();
  }

  std::uint64_t errors() const noexcept {
    return errors_;
  }

private:
  struct instance;

  std::vector<instance*>& route(const std::string& instrument);
  void add_instances(const std::string& instrument,
                     std::vector<instance*>& into);
  void bars_closed(instance& i, timestamp t, std::vector<signal>& out);
  void on_closed_bar(instance& i, const bar& b, timestamp t,
                     std::vector<signal>& out);
  template <class F>
  void guarded(instance& i, F&& f);
  void emit(instance& i, timestamp t, bool cooling, std::vector<signal>& out);
  void fail(instance& i, const std::string& what);

  signal_config cfg_;
  std::vector<strategy_spec> specs_;
  bar_spec default_bars_;
  std::vector<std::unique_ptr<instance>> instances_;
  std::unordered_map<std::string, std::vector<instance*>> routes_;
  instrument_cache<std::vector<instance*>> route_cache_;
  intent_list intents_;
  std::vector<bar> closed_;
  std::vector<engine_event> events_;
  std::uint64_t errors_ = 0;
  bool replaying_ = false;
  bool record_bars_ = false;
  std::vector<bar> built_;
  /// Per "instrument/interval" of time bars: the start of the newest bar
  /// kept (the lowest timestamp before the first).
  std::unordered_map<std::string, timestamp> built_until_;
};

} // namespace cdb
