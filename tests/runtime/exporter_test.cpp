#define CAF_SUITE exporter
#include <prometheus/text_serializer.h>

#include <caf/test/unit_test.hpp>

#include "runtime/exporter.hpp"

using namespace cdb;

namespace {

std::string scrape(const node_metrics& m) {
  node_identity who{"n1", "0.1.0", "abc123", 1'000'000'000'000'000'000};
  process_sample p;
  p.resident_bytes = 1024;
  p.cpu_seconds = 2.5;
  p.open_fds = 9;
  auto families = node_families(m, who, p, who.started + 90'000'000'000);
  return prometheus::TextSerializer{}.Serialize(families);
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

} // namespace

CAF_TEST(families carry the node label and the values of the atomics) {
  node_metrics m;
  m.approved = 7;
  m.rejected = 3;
  m.fills = 5;
  m.equity = 100250.5;
  m.trading_mode = 2;
  m.persist_spooled = 42;
  auto text = scrape(m);
  CAF_MESSAGE(text);
  CAF_CHECK(
    has(text, "cdb_risk_decisions_total{node=\"n1\",outcome=\"approved\"} 7"));
  CAF_CHECK(
    has(text, "cdb_risk_decisions_total{node=\"n1\",outcome=\"rejected\"} 3"));
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
  for (std::size_t at = text.find("_bucket{"); at != std::string::npos;
       at = text.find("_bucket{", at + 1)) {
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
