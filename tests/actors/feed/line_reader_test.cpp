#define CAF_SUITE line_reader
#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "actors/feed/line_reader.hpp"

using namespace cdb;

namespace {

std::vector<std::string> by_getline(const std::string& text) {
  std::istringstream in{text};
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

std::vector<std::string> by_reader(const std::string& text, std::size_t block) {
  std::istringstream in{text};
  line_reader r{block};
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(in, line))
    out.emplace_back(line);
  // At the end it stays at the end.
  if (r.next(in, line))
    out.emplace_back("<read after the end>");
  return out;
}

} // namespace

CAF_TEST(lines are those of std::getline whatever the block size) {
  const std::string long_line(100, 'x');
  const std::vector<std::string> texts{
    "",
    "\n",
    "\n\n\n",
    "a",
    "a\n",
    "a\nb",
    "a\nb\n",
    "ab\r\ncd\r\n",
    "ab\r\ncd\r",
    "\nfirst after an empty line\n\nlast without newline",
    "exchange,symbol\nx,BTCUSDT,1,2\r\n" + long_line + "\n" + long_line,
    long_line,
  };
  for (auto& text : texts)
    for (std::size_t block : {0, 1, 2, 3, 4, 7, 9, 64, 1 << 16}) {
      CAF_MESSAGE("block " << block << ", " << text.size() << " bytes");
      CAF_CHECK_EQUAL(by_reader(text, block), by_getline(text));
    }
}

CAF_TEST(a line is a view valid until the next call) {
  std::istringstream in{"one\ntwo\nthree\n"};
  line_reader r{2}; // every line spans blocks: the buffer moves and grows
  std::string_view a;
  CAF_REQUIRE(r.next(in, a));
  CAF_CHECK_EQUAL(a, "one");
  std::string kept{a};
  CAF_REQUIRE(r.next(in, a));
  CAF_CHECK_EQUAL(a, "two");
  CAF_CHECK_EQUAL(kept, "one");
  CAF_REQUIRE(r.next(in, a));
  CAF_CHECK_EQUAL(a, "three");
  CAF_CHECK(!r.next(in, a));
}

CAF_TEST(the bytes read are counted as they are read) {
  const std::string text = "first\nsecond line\nthird";
  for (std::size_t block : {1, 4, 1 << 16}) {
    std::istringstream in{text};
    line_reader r{block};
    std::atomic<std::uint64_t> bytes{0};
    r.count_into(&bytes);
    std::string_view line;
    CAF_REQUIRE(r.next(in, line));
    // At most what the reader holds beyond the first line.
    CAF_CHECK_GREATER_OR_EQUAL(bytes.load(), 6u);
    const std::uint64_t held = block < 12 ? 12 : block;
    CAF_CHECK_LESS_OR_EQUAL(bytes.load(), held);
    while (r.next(in, line)) {
      // nop: to the end
    }
    CAF_CHECK_EQUAL(bytes.load(), text.size());
  }
}
