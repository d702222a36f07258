#define CAF_SUITE exporter
#include <prometheus/text_serializer.h>

#include <caf/test/unit_test.hpp>

#include "runtime/exporter.hpp"

using namespace cdb;

namespace {

std::string scrape(const node_metrics& m, timestamp market_now = 0) {
  node_identity who{"n1", "0.1.0", "abc123", 1'000'000'000'000'000'000};
  process_sample p;
  p.resident_bytes = 1024;
  p.cpu_seconds = 2.5;
  p.open_fds = 9;
  auto families = node_families(m, who, p, who.started + 90'000'000'000,
                                market_now);
  return prometheus::TextSerializer{}.Serialize(families);
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

} // namespace

CAF_TEST(families carry the node label and the values of the atomics) {
  node_metrics m;
  m.decisions.at({"approved", "sizing", "ok"}) += 7;
  m.decisions.at({"rejected", "exposure", "exposure_limit"}) += 3;
  m.fills = 5;
  m.equity = 100250.5;
  m.trading_mode = 2;
  m.persist_spooled = 42;
  auto text = scrape(m);
  CAF_MESSAGE(text);
  CAF_CHECK(has(text, "cdb_risk_decisions_total{node=\"n1\",outcome="
                      "\"approved\",layer=\"sizing\",reason=\"ok\"} 7"));
  CAF_CHECK(has(text, "cdb_risk_decisions_total{node=\"n1\",outcome="
                      "\"rejected\",layer=\"exposure\",reason=\"exposure_"
                      "limit\"} 3"));
  CAF_CHECK(has(text, "cdb_fills_total{node=\"n1\"} 5"));
  CAF_CHECK(has(text, "cdb_equity{node=\"n1\"} 100250.5"));
  CAF_CHECK(has(text, "cdb_trading_state{node=\"n1\"} 2"));
  CAF_CHECK(has(text, "cdb_persist_spool_events{node=\"n1\"} 42"));
  CAF_CHECK(has(text, "cdb_process_uptime_seconds{node=\"n1\"} 90"));
  CAF_CHECK(has(text, "cdb_process_resident_memory_bytes{node=\"n1\"} 1024"));
  CAF_CHECK(has(text, "cdb_build_info{node=\"n1\",version=\"0.1.0\","
                      "git_hash=\"abc123\"} 1"));
  CAF_CHECK(has(text, "# TYPE cdb_fills_total counter"));
  CAF_CHECK(has(text, "# TYPE cdb_equity gauge"));
  // One HELP and TYPE per family, even with several label sets.
  auto first = text.find("# TYPE cdb_risk_decisions_total");
  CAF_CHECK(first != std::string::npos
            && text.find("# TYPE cdb_risk_decisions_total", first + 1)
                 == std::string::npos);
}

CAF_TEST(the latency histogram is cumulative with count and sum) {
  node_metrics m;
  m.persist_latency.observe(0.001);
  m.persist_latency.observe(0.001);
  m.persist_latency.observe(0.5);
  auto text = scrape(m);
  CAF_CHECK(has(text, "# TYPE cdb_persist_latency_seconds histogram"));
  CAF_CHECK(has(text, "cdb_persist_latency_seconds_count{node=\"n1\"} 3"));
  CAF_CHECK(has(text, "cdb_persist_latency_seconds_sum{node=\"n1\"} 0.502"));
  CAF_CHECK(
    has(text, "cdb_persist_latency_seconds_bucket{node=\"n1\",le=\"+Inf\"} 3"));
  CAF_CHECK(has(
    text, "cdb_persist_latency_seconds_bucket{node=\"n1\",le=\"1e-05\"} 0"));
  // Cumulative: the counts never fall from one bound to the next.
  std::uint64_t last = 0;
  const std::string bucket = "cdb_persist_latency_seconds_bucket{";
  for (std::size_t at = text.find(bucket); at != std::string::npos;
       at = text.find(bucket, at + 1)) {
    auto value = std::stoull(text.substr(text.find("} ", at) + 2));
    CAF_CHECK_GREATER_OR_EQUAL(value, last);
    last = value;
  }
  CAF_CHECK_EQUAL(last, 3u);
}

CAF_TEST(the process sample reads this process) {
  auto p = sample_process();
  CAF_CHECK_GREATER(p.resident_bytes, 0.0);
  CAF_CHECK_GREATER(p.open_fds, 2.0); // at least stdin, stdout, stderr
  CAF_CHECK_GREATER_OR_EQUAL(p.cpu_seconds, 0.0);
}

CAF_TEST(every actor has its own samples) {
  node_metrics m;
  auto* risk = m.actor("risk");
  CAF_REQUIRE(risk != nullptr);
  risk->up = true;
  for (int i = 0; i < 12; ++i)
    risk->handling.observe(2e-6);
  risk->enqueued = 16; // 12 handled, 4 waiting
  risk->restarts = 1;
  auto text = scrape(m);
  CAF_CHECK(has(text, "cdb_actor_up{node=\"n1\",actor=\"risk\"} 1"));
  CAF_CHECK(has(text, "cdb_actor_up{node=\"n1\",actor=\"feed\"} 0"));
  CAF_CHECK(
    has(text, "cdb_actor_messages_total{node=\"n1\",actor=\"risk\"} 12"));
  CAF_CHECK(
    has(text, "cdb_actor_mailbox_messages{node=\"n1\",actor=\"risk\"} 4"));
  CAF_CHECK(
    has(text, "cdb_actor_restarts_total{node=\"n1\",actor=\"risk\"} 1"));
  CAF_CHECK(has(text, "cdb_actor_handling_seconds_count{node=\"n1\",actor="
                      "\"risk\"} 12"));
  CAF_CHECK(has(text, "cdb_actor_handling_seconds_count{node=\"n1\",actor="
                      "\"signal\"} 0"));
  CAF_CHECK(m.actor("nobody") == nullptr);
}

CAF_TEST(feed families carry type and reason and instrument labels) {
  node_metrics m;
  count_feed(m, feed_kind::trade, 5);
  count_feed(m, feed_kind::quote);
  m.parse_errors.at({"bad_json"}) += 2;
  auto& btc = m.feed_instruments.at({"BTCUSDT"});
  btc.last_data = 10'000'000'000;
  btc.health = 1;
  auto text = scrape(m, 12'500'000'000);
  CAF_CHECK(has(text, "cdb_feed_messages_total{node=\"n1\",type=\"trade\"} 5"));
  CAF_CHECK(has(text, "cdb_feed_messages_total{node=\"n1\",type=\"quote\"} 1"));
  CAF_CHECK(has(text, "cdb_feed_messages_total{node=\"n1\",type=\"book\"} 0"));
  CAF_CHECK(has(
    text, "cdb_feed_parse_errors_total{node=\"n1\",reason=\"bad_json\"} 2"));
  CAF_CHECK(has(text, "cdb_feed_data_age_seconds{node=\"n1\",instrument="
                      "\"BTCUSDT\"} 2.5"));
  CAF_CHECK(has(text, "cdb_feed_status{node=\"n1\",instrument=\"BTCUSDT\"} 1"));
}

CAF_TEST(slippage buckets are its fixed bounds) {
  node_metrics m;
  m.slippage_bps.observe(-3);  // price improvement
  m.slippage_bps.observe(1.5); // (1, 2]
  m.slippage_bps.observe(500); // beyond the last bound
  auto text = scrape(m);
  CAF_CHECK(has(text, "cdb_slippage_bps_bucket{node=\"n1\",le=\"-5\"} 0"));
  CAF_CHECK(has(text, "cdb_slippage_bps_bucket{node=\"n1\",le=\"-2\"} 1"));
  CAF_CHECK(has(text, "cdb_slippage_bps_bucket{node=\"n1\",le=\"2\"} 2"));
  CAF_CHECK(has(text, "cdb_slippage_bps_bucket{node=\"n1\",le=\"100\"} 2"));
  CAF_CHECK(has(text, "cdb_slippage_bps_bucket{node=\"n1\",le=\"+Inf\"} 3"));
  CAF_CHECK(has(text, "cdb_slippage_bps_sum{node=\"n1\"} 498.5"));
}

CAF_TEST(labelled families are listed before their first sample) {
  node_metrics m;
  auto text = scrape(m);
  for (auto* name : {"cdb_risk_decisions_total", "cdb_breaker_rule_trips_total",
                     "cdb_feed_parse_errors_total", "cdb_feed_data_age_seconds",
                     "cdb_position_notional", "cdb_signals_total",
                     "cdb_scheduler_helper_takes_total"}) {
    CAF_MESSAGE(name);
    CAF_CHECK(text.find(std::string{"# TYPE "} + name + " ")
              != std::string::npos);
  }
}

CAF_TEST(helper takes of the home scheduler are counted by reason) {
  node_metrics m;
  CAF_CHECK(scrape(m).find("cdb_scheduler_helper_takes_total{")
            == std::string::npos);
  auto takes = std::make_shared<helper_takes>();
  takes->stall = 3;
  takes->backlog = 11;
  m.scheduler_takes = takes;
  auto text = scrape(m);
  CAF_CHECK(has(text, "cdb_scheduler_helper_takes_total{node=\"n1\","
                      "reason=\"stall\"} 3"));
  CAF_CHECK(has(text, "cdb_scheduler_helper_takes_total{node=\"n1\","
                      "reason=\"backlog\"} 11"));
}
