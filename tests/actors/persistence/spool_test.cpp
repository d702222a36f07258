#define CAF_SUITE spool
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#include <caf/test/unit_test.hpp>

#include "actors/persistence/spool.hpp"
#include "tests/support/builders.hpp"

using namespace cdb;

namespace {

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size)
                                        : 0;
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << bytes;
}

} // namespace

CAF_TEST(crc32 matches the standard check value) {
  std::string check = "123456789";
  CAF_CHECK_EQUAL(spool::crc32(check.data(), check.size()), 0xCBF43926u);
}

CAF_TEST(records come back in order after a reopen) {
  test::temp_file f{""};
  {
    spool s{f.path()};
    CAF_CHECK(s.empty());
    s.append("first", 2);
    s.append(std::string(1000, 'x'), 7);
    s.append("", 1);
    CAF_CHECK_EQUAL(s.records(), 3u);
    CAF_CHECK_EQUAL(s.events(), 10u);
  }
  spool s{f.path()};
  CAF_CHECK_EQUAL(s.records(), 3u);
  CAF_CHECK_EQUAL(s.events(), 10u);
  CAF_CHECK_EQUAL(s.dropped_bytes(), 0u);
  std::string payload;
  std::uint32_t events = 0;
  CAF_REQUIRE(s.front(payload, events));
  CAF_CHECK_EQUAL(payload, "first");
  CAF_CHECK_EQUAL(events, 2u);
  // front() again without pop(): the same record.
  CAF_REQUIRE(s.front(payload, events));
  CAF_CHECK_EQUAL(payload, "first");
  s.pop();
  CAF_CHECK_EQUAL(s.events(), 8u);
  CAF_REQUIRE(s.front(payload, events));
  CAF_CHECK_EQUAL(payload, std::string(1000, 'x'));
  CAF_CHECK_EQUAL(events, 7u);
  s.pop();
  CAF_REQUIRE(s.front(payload, events));
  CAF_CHECK_EQUAL(payload, "");
  s.pop();
  CAF_CHECK(s.empty());
  CAF_CHECK(!s.front(payload, events));
  // Everything popped: the file is empty on disk.
  CAF_CHECK_EQUAL(file_size(f.path()), 0u);
}

CAF_TEST(a torn tail is dropped and counted and appending carries on) {
  test::temp_file f{""};
  std::uint64_t first_size = 0;
  {
    spool s{f.path()};
    s.append("kept", 1);
    first_size = file_size(f.path());
    s.append("torn by a crash", 3);
  }
  // A crash in the middle of the second append: its last bytes never landed.
  auto bytes = read_all(f.path());
  write_all(f.path(), bytes.substr(0, bytes.size() - 5));
  {
    spool s{f.path()};
    CAF_CHECK_EQUAL(s.records(), 1u);
    CAF_CHECK_EQUAL(s.events(), 1u);
    CAF_CHECK_EQUAL(s.dropped_bytes(), bytes.size() - 5 - first_size);
    CAF_CHECK_EQUAL(file_size(f.path()), first_size);
    s.append("after", 4);
  }
  spool s{f.path()};
  CAF_CHECK_EQUAL(s.records(), 2u);
  std::string payload;
  std::uint32_t events = 0;
  s.front(payload, events);
  CAF_CHECK_EQUAL(payload, "kept");
  s.pop();
  s.front(payload, events);
  CAF_CHECK_EQUAL(payload, "after");
  CAF_CHECK_EQUAL(events, 4u);
}

CAF_TEST(a corrupt record ends the readable part) {
  test::temp_file f{""};
  {
    spool s{f.path()};
    s.append("good", 1);
    s.append("flipped", 1);
    s.append("behind it", 1);
  }
  auto bytes = read_all(f.path());
  // The second record's payload starts after 12 + 4 + 12 bytes.
  bytes[12 + 4 + 12] ^= 0x20;
  write_all(f.path(), bytes);
  spool s{f.path()};
  CAF_CHECK_EQUAL(s.records(), 1u);
  CAF_CHECK(s.dropped_bytes() > 0u);
}

CAF_TEST(an absurd length is corruption not an allocation) {
  test::temp_file f{""};
  write_all(f.path(), std::string("\xff\xff\xff\xff\0\0\0\0\0\0\0\0", 12));
  spool s{f.path()};
  CAF_CHECK(s.empty());
  CAF_CHECK_EQUAL(s.dropped_bytes(), 12u);
}

CAF_TEST(the file is locked while open and removed when empty) {
  test::temp_file f{""};
  {
    spool s{f.path()};
    s.append("x", 1);
    auto second_opened = true;
    try {
      spool other{f.path()};
    } catch (const std::runtime_error&) {
      second_opened = false;
    }
    CAF_CHECK(!second_opened);
  }
  CAF_CHECK(exists(f.path())); // it holds a record
  {
    spool s{f.path()};
    std::string payload;
    std::uint32_t events = 0;
    s.front(payload, events);
    s.pop();
  }
  CAF_CHECK(!exists(f.path()));
}

CAF_TEST(an unopenable path names itself) {
  std::string error;
  try {
    spool s{"/nonexistent-dir-cdb/x.spool"};
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CAF_CHECK(error.find("/nonexistent-dir-cdb/x.spool") != std::string::npos);
}
