#include "actors/persistence/spool.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cdb {

namespace {

constexpr std::size_t header_size = 12;
/// A record larger than this is corruption, not a batch.
constexpr std::uint32_t max_payload = 1u << 30;

std::runtime_error failure(const std::string& path, const char* what) {
  return std::runtime_error{"spool " + path + ": " + what + ": "
                            + std::generic_category().message(errno)};
}

void put32(char* out, std::uint32_t x) {
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<char>((x >> (8 * i)) & 0xff);
}

std::uint32_t get32(const char* in) {
  std::uint32_t x = 0;
  for (int i = 0; i < 4; ++i)
    x |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i]))
         << (8 * i);
  return x;
}

/// Reads exactly `n` bytes at `offset`; false at end of file.
bool read_exact(int fd, char* buf, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    auto got = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    buf += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

} // namespace

std::uint32_t spool::crc32(const char* data, std::size_t size) noexcept {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      auto c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (std::size_t i = 0; i < size; ++i)
    c = table[(c ^ static_cast<unsigned char>(data[i])) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

spool::spool(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0)
    throw failure(path_, "cannot open");
  // The destructor does not run when the constructor throws.
  auto give_up = [this](const char* what) {
    auto e = failure(path_, what); // before close() changes errno
    ::close(fd_);
    fd_ = -1;
    return e;
  };
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
    throw give_up("locked by another process");
  struct stat st {};
  if (::fstat(fd_, &st) != 0)
    throw give_up("cannot stat");
  auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t at = 0;
  std::uint32_t events = 0;
  std::uint64_t next = 0;
  while (at < size && read_at(at, nullptr, events, next)) {
    ++records_;
    events_ += events;
    at = next;
  }
  end_ = at;
  if (end_ < size) {
    dropped_ = size - end_;
    if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0 || ::fsync(fd_) != 0)
      throw give_up("cannot drop the torn tail");
  }
}

spool::~spool() {
  if (fd_ < 0)
    return;
  if (records_ == 0)
    ::unlink(path_.c_str()); // nothing kept: no file left behind
  ::close(fd_);
}

bool spool::read_at(std::uint64_t offset, std::string* payload,
                    std::uint32_t& events, std::uint64_t& next) const {
  char header[header_size];
  if (!read_exact(fd_, header, header_size, offset))
    return false;
  auto size = get32(header);
  auto crc = get32(header + 4);
  if (size > max_payload)
    return false;
  std::string local;
  auto& body = payload != nullptr ? *payload : local;
  body.resize(size);
  if (size > 0 && !read_exact(fd_, body.data(), size, offset + header_size))
    return false;
  if (crc32(body.data(), body.size()) != crc)
    return false;
  events = get32(header + 8);
  next = offset + header_size + size;
  return true;
}

void spool::append(std::string_view payload, std::uint32_t events) {
  if (payload.size() > max_payload)
    throw std::runtime_error{"spool " + path_ + ": record too large"};
  std::string record(header_size, '\0');
  put32(record.data(), static_cast<std::uint32_t>(payload.size()));
  put32(record.data() + 4, crc32(payload.data(), payload.size()));
  put32(record.data() + 8, events);
  record += payload;
  const char* p = record.data();
  auto left = record.size();
  auto at = end_;
  while (left > 0) {
    auto n = ::pwrite(fd_, p, left, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) // what landed is past end_: overwritten next time
      throw failure(path_, "cannot write");
    p += n;
    left -= static_cast<std::size_t>(n);
    at += static_cast<std::uint64_t>(n);
  }
  if (::fdatasync(fd_) != 0)
    throw failure(path_, "cannot sync");
  end_ = at;
  ++records_;
  events_ += events;
}

bool spool::front(std::string& payload, std::uint32_t& events) {
  if (records_ == 0)
    return false;
  if (!read_at(head_, &payload, events, next_))
    throw std::runtime_error{"spool " + path_ + ": unreadable record at "
                             + std::to_string(head_)};
  front_events_ = events;
  return true;
}

void spool::pop() {
  if (records_ == 0 || next_ <= head_)
    return;
  head_ = next_;
  --records_;
  events_ -= front_events_;
  if (records_ == 0)
    clear();
}

void spool::clear() {
  if (::ftruncate(fd_, 0) != 0 || ::fsync(fd_) != 0)
    throw failure(path_, "cannot empty");
  head_ = end_ = next_ = 0;
  records_ = events_ = 0;
}

} // namespace cdb
