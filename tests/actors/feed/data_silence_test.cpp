#define CAF_SUITE data_silence
#include <caf/test/unit_test.hpp>

#include "actors/feed/data_silence.hpp"

using namespace cdb;

namespace {

constexpr timestamp sec = 1'000'000'000;
constexpr timestamp minute = 60 * sec;
constexpr timestamp hour = 60 * minute;
constexpr timestamp day = 24 * hour;
constexpr timestamp t0 = 1'582'329'602'111'000'000; // 2020-02-22T00:00:02.111Z

} // namespace

CAF_TEST(a silence is over an hour and over 100 mean spacings) {
  // Two hours of trades, 10 000 of them (0.72 s apart on average).
  auto last = t0 + 2 * hour;
  CAF_CHECK(long_silence(t0, last, last + 191 * day, 10'000));
  CAF_CHECK(long_silence(t0, last, last + hour + sec, 10'000));
  CAF_CHECK(!long_silence(t0, last, last + hour, 10'000)); // an hour is not
  CAF_CHECK(!long_silence(t0, last, last + 30 * minute, 10'000));
  // Daily bars: a day apart is their spacing, not a silence; a month is.
  auto bars_last = t0 + 29 * day;
  CAF_CHECK(!long_silence(t0, bars_last, bars_last + day, 30));
  CAF_CHECK(!long_silence(t0, bars_last, bars_last + 90 * day, 30));
  CAF_CHECK(long_silence(t0, bars_last, bars_last + 101 * day, 30));
  // Minute bars over a weekend: told.
  auto minutes_last = t0 + 5 * day;
  CAF_CHECK(long_silence(t0, minutes_last, minutes_last + 2 * day, 7'200));
  // Fewer than two records tell no spacing.
  CAF_CHECK(!long_silence(t0, t0, t0 + 191 * day, 1));
  CAF_CHECK(!long_silence(t0, t0, t0 + 191 * day, 0));
  // Records all at one instant: any wait over an hour is told.
  CAF_CHECK(long_silence(t0, t0, t0 + 2 * hour, 5));
}

CAF_TEST(a silence is told with its ends and its length) {
  CAF_CHECK_EQUAL(silence_length(191 * day + 21 * hour + 59 * minute),
                  "191 d 21 h");
  CAF_CHECK_EQUAL(silence_length(5 * hour + 2 * minute + 59 * sec),
                  "5 h 02 min");
  CAF_CHECK_EQUAL(silence_length(hour + 30 * minute), "1 h 30 min");
  CAF_CHECK_EQUAL(silence_length(12 * minute + 59 * sec), "12 min");
  CAF_CHECK_EQUAL(silence_length(40 * sec + sec / 2), "40 s");
  auto words = silence_words(t0, t0 + 2 * day + 3 * hour);
  CAF_CHECK_EQUAL(words.substr(0, words.find("): ") + 1),
                  "no data from 2020-02-22T00:00:02.111Z to "
                  "2020-02-24T03:00:02.111Z (2 d 3 h)");
  CAF_CHECK(words.find("the node lives through it at market time")
            != std::string::npos);
  // A replay paced at 60 times real time waits it out: 51 min.
  auto paced = silence_words(t0, t0 + 2 * day + 3 * hour, 60);
  CAF_CHECK(paced.find("(2 d 3 h): the replay waits 51 min for it at x60, "
                       "the feed stale meanwhile")
            != std::string::npos);
  paced = silence_words(t0, t0 + 2 * hour, 0.5);
  CAF_CHECK(paced.find("the replay waits 4 h 00 min for it at x0.5")
            != std::string::npos);
}
