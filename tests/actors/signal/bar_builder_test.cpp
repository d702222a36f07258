#define CAF_SUITE signal_bars
#include <caf/test/unit_test.hpp>

#include "actors/signal/bar_builder.hpp"

using namespace cdb;

namespace {

trade_tick trade(double px, timestamp t, double qty = 1) {
  trade_tick x;
  x.instrument = "X";
  x.price = px;
  x.qty = qty;
  x.event_time = t;
  return x;
}

bar_spec spec(const std::string& text) {
  bar_spec out;
  std::string why;
  if (!parse_bar_spec(text, out, why))
    CAF_FAIL("bad spec " << text << ": " << why);
  return out;
}

/// Time bars of `n` nanoseconds (config insists on >= 1 ms; tests need not).
bar_spec ns(nanoseconds n) {
  bar_spec out;
  out.interval = n;
  return out;
}

} // namespace

CAF_TEST(bar specs parse and print) {
  CAF_CHECK_EQUAL(spec("1min").interval, 60'000'000'000);
  CAF_CHECK_EQUAL(spec("500ms").interval, 500'000'000);
  CAF_CHECK_EQUAL(to_string(spec("4h")), "4h");
  CAF_CHECK_EQUAL(to_string(spec("90s")), "90s");
  CAF_CHECK(spec("volume:2.5").kind == bar_kind::volume);
  CAF_CHECK_EQUAL(spec("volume:2.5").volume, 2.5);
  CAF_CHECK_EQUAL(spec("ticks:500").ticks, 500u);
  CAF_CHECK_EQUAL(to_string(spec("ticks:500")), "ticks:500");
  bar_spec out;
  std::string why;
  for (auto bad : {"", "1", "10us", "1 min", "-1s", "volume:0", "volume:x",
                   "ticks:1.5", "ticks:-3", "candles:5", "1y"}) {
    CAF_CHECK(!parse_bar_spec(bad, out, why));
    CAF_CHECK(!why.empty());
  }
}

CAF_TEST(time bar closes on the first trade after its end) {
  bar_builder b{"X", ns(100)};
  std::vector<bar> out;
  b.add(trade(10, 0), out);
  b.add(trade(12, 50), out);
  b.add(trade(9, 99), out);
  CAF_CHECK(out.empty());
  b.add(trade(11, 100), out);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].open, 10.0);
  CAF_CHECK_EQUAL(out[0].high, 12.0);
  CAF_CHECK_EQUAL(out[0].low, 9.0);
  CAF_CHECK_EQUAL(out[0].close, 9.0);
  CAF_CHECK_EQUAL(out[0].volume, 3.0);
  CAF_CHECK_EQUAL(out[0].start_time, 0);
  CAF_CHECK_EQUAL(out[0].end_time, 100);
  CAF_CHECK_EQUAL(out[0].interval, 100);
}

CAF_TEST(time bar closes on time from other data) {
  bar_builder b{"X", ns(100)};
  std::vector<bar> out;
  b.add(trade(10, 5), out);
  b.advance(99, out);
  CAF_CHECK(out.empty());
  b.advance(100, out);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  b.advance(500, out); // nothing open
  CAF_CHECK_EQUAL(out.size(), 1u);
}

CAF_TEST(gaps give no bars unless filled) {
  std::vector<bar> out;
  bar_builder plain{"X", ns(100)};
  plain.add(trade(10, 0), out);
  plain.add(trade(20, 350), out);
  plain.add(trade(20, 400), out);
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK_EQUAL(out[1].start_time, 300);
  out.clear();
  bar_builder filled{"X", ns(100), true};
  filled.add(trade(10, 0), out);
  filled.add(trade(20, 350), out);
  CAF_REQUIRE_EQUAL(out.size(), 3u); // [0,100) and flat [100,200) [200,300)
  CAF_CHECK_EQUAL(out[1].start_time, 100);
  CAF_CHECK_EQUAL(out[1].close, 10.0);
  CAF_CHECK_EQUAL(out[1].volume, 0.0);
  CAF_CHECK_EQUAL(out[2].end_time, 300);
  out.clear();
  bar_builder capped{"X", ns(100), true, 1};
  capped.add(trade(10, 0), out);
  capped.add(trade(20, 350), out);
  CAF_CHECK_EQUAL(out.size(), 1u); // a gap beyond the cap stays empty
}

CAF_TEST(late trades are skipped and counted) {
  bar_builder b{"X", ns(100)};
  std::vector<bar> out;
  b.add(trade(10, 150), out);
  b.add(trade(99, 50), out);
  b.add(trade(11, 250), out);
  b.add(trade(98, 199), out); // the bar it belongs to was delivered
  CAF_CHECK_EQUAL(b.late_trades(), 2u);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].high, 10.0);
}

CAF_TEST(recorded bars are taken in order before building) {
  bar_builder b{"X", ns(100)};
  bar r;
  r.instrument = "X";
  r.interval = 100;
  r.close = 7;
  r.start_time = 100;
  r.end_time = 200;
  auto other = r;
  other.interval = 200;
  CAF_CHECK(!b.take_recorded(other)); // another interval
  CAF_CHECK(b.take_recorded(r));
  CAF_CHECK(!b.take_recorded(r)); // not twice
  r.start_time = 200;
  r.end_time = 300;
  CAF_CHECK(b.take_recorded(r));
  std::vector<bar> out;
  b.add(trade(99, 250), out); // inside the recorded bar: late
  CAF_CHECK_EQUAL(b.late_trades(), 1u);
  b.add(trade(10, 310), out);
  r.start_time = 400;
  r.end_time = 500;
  CAF_CHECK(!b.take_recorded(r)); // building its own now
  b.add(trade(11, 420), out);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].start_time, 300);
  CAF_CHECK_EQUAL(out[0].open, 10.0);
  bar_builder ticks{"X", spec("ticks:3")};
  CAF_CHECK(!ticks.take_recorded(r)); // only time builders
}

CAF_TEST(volume and tick bars close on activity) {
  std::vector<bar> out;
  bar_builder v{"X", spec("volume:5")};
  v.add(trade(10, 1, 2), out);
  v.add(trade(11, 2, 2), out);
  CAF_CHECK(out.empty());
  v.add(trade(12, 3, 4), out); // crosses 5: stays whole in this bar
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_EQUAL(out[0].volume, 8.0);
  CAF_CHECK_EQUAL(out[0].start_time, 1);
  CAF_CHECK_EQUAL(out[0].end_time, 4);
  CAF_CHECK_EQUAL(out[0].interval, 0);
  out.clear();
  bar_builder t{"X", spec("ticks:3")};
  for (int i = 0; i < 7; ++i)
    t.add(trade(10 + i, i), out);
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  CAF_CHECK_EQUAL(out[1].open, 13.0);
  CAF_CHECK_EQUAL(out[1].close, 15.0);
}

CAF_TEST(venue bars replace built bars once each) {
  bar_builder b{"X", ns(100)};
  std::vector<bar> out;
  b.add(trade(10, 0), out);
  b.add(trade(10, 120), out); // delivers [0, 100)
  bar k;
  k.instrument = "X";
  k.interval = 100;
  k.start_time = 0;
  k.end_time = 100;
  CAF_CHECK(!b.take_venue(k)); // already delivered
  CAF_CHECK(b.venue_mode());
  k.start_time = 100;
  k.end_time = 200;
  CAF_CHECK(b.take_venue(k));
  CAF_CHECK(!b.take_venue(k)); // a repeat
  b.add(trade(10, 400), out);  // ignored: the venue builds the bars now
  CAF_CHECK_EQUAL(out.size(), 1u);
  k.interval = 60;
  CAF_CHECK(!b.take_venue(k)); // another interval
  bar_builder ticks{"X", spec("ticks:5")};
  k.interval = 100;
  CAF_CHECK(!ticks.take_venue(k));
}
