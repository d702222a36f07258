// Configuration: every key of every group, loaded from CAF config files
// (--config FILE, repeatable: later files win), then CDB_<GROUP>_<KEY>
// environment variables, then
// --group.key=value flags (later wins). Unknown keys and ill-typed values
// are errors naming the key; range and cross-field rules are checked by each
// section's validate().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "runtime/admin_http.hpp"
#include "runtime/clock.hpp"
#include "runtime/exchange_sim.hpp"
#include "runtime/exporter.hpp"
#include "runtime/home_scheduler.hpp"
#include "runtime/node.hpp"
#include "runtime/recorder.hpp"

namespace cdb {

class cdb_options : public caf::actor_system_config {
public:
  cdb_options();

  node_config node;
  sim_config sim;         ///< cdb exchange-sim only.
  record_config record;   ///< cdb record only.
  admin_config admin;     ///< The node's admin HTTP endpoint.
  metrics_config metrics; ///< The node's Prometheus endpoint.
  std::string log_level = "info";
  caf::timespan duration{0};
  caf::timespan status_interval{std::chrono::seconds{1}};
  caf::timespan timer_slack{default_timer_slack};
  /// The live node's CAF scheduler: "home" (runtime/home_scheduler.hpp) or
  /// "stealing" (CAF's work stealing).
  std::string scheduler = "home";
  caf::timespan helper_stall{default_helper_stall};
  std::size_t helper_backlog = default_helper_backlog;
  /// The CPU of the thread that runs the actors (the home worker, a
  /// backtest's thread); the node's other threads keep off it. -1: none.
  int home_cpu = -1;
  /// A backtest with home_cpu -1 on two CPUs or more tries them and runs
  /// its actors where they went fastest (runtime/cpu_trials.hpp).
  bool pick_home_cpu = true;
  std::string chaos_kill_actor;
  caf::timespan chaos_kill_after{std::chrono::seconds{10}};
  std::uint32_t chaos_kill_times = 1;
  bool chaos_kill_on_stop = false;
  /// --config FILE, in order: a later file overrides an earlier one (a
  /// node's own file after the shared trading config).
  std::vector<std::string> config_files;

  /// Loads the scheduler named by run.scheduler (a live node; before its
  /// actor system is made). Call after validate().
  void load_scheduler();

  /// Copies the duration options into the node config's nanosecond fields.
  void sync();

  /// Checks the [run] group and then every section of the node config;
  /// appends one message per broken rule, each naming key, value and rule.
  void validate(std::vector<std::string>& errors) const;

  /// Lists every option with its type, default and description.
  std::string help() const;

  /// Returns the environment variable that overrides `key`.
  static std::string env_name(const std::string& key);

  const caf::config_option_set& options() const noexcept {
    return custom_options_;
  }

private:
  std::vector<std::pair<caf::timespan*, nanoseconds*>> spans_;
  caf::timespan span_storage_[48];
  std::size_t spans_used_ = 0;

  caf::timespan* span(nanoseconds* target);
};

/// Reads `args` (no program name, no mode). Returns every error found;
/// `wants_help` is set by --help / -h.
std::vector<std::string>
load_options(cdb_options& cfg, const std::vector<std::string>& args,
             const std::function<const char*(const char*)>& getenv,
             bool& wants_help);

} // namespace cdb
