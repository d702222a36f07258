// Keeps one TLS connection's failure from closing the others.
//
// OpenSSL reports why an I/O call failed through SSL_get_error(), which
// looks at the calling thread's error queue: any entry in it makes the
// answer SSL_ERROR_SSL. OpenSSL therefore requires the queue to be empty
// before each SSL_read/SSL_write/SSL_connect/SSL_accept. CAF 0.17's openssl
// module never empties it. All node links share the middleman's thread, so
// after one peer fails its handshake (a certificate our CA did not sign),
// the next SSL_read on a healthy link that merely has no data yet reads as
// a fatal error and CAF closes that link: an intruder's every attempt would
// cut the cluster's links.
//
// These definitions in the executable take the place of libssl's for every
// caller in the process (the dynamic linker binds to the executable's
// exported symbols first). Each empties the queue and calls libssl's own
// function. Boost.Asio and libpq empty the queue themselves before these
// calls, so for them nothing changes. Proven by tests/e2e/cluster_tls_test.sh
// (the links survive an intruder's attempts).
#include <cstdio>
#include <cstdlib>

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class F>
F libssl(const char* name) {
  void* sym = dlsym(RTLD_NEXT, name);
  if (sym == nullptr) {
    std::fprintf(stderr, "cdb: libssl has no %s\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(sym); // NOLINT: dlsym returns data pointers
}

using io_fn = int (*)(SSL*, void*, int);
using write_fn = int (*)(SSL*, const void*, int);
using handshake_fn = int (*)(SSL*);

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto real = libssl<io_fn>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto real = libssl<write_fn>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static const auto real = libssl<handshake_fn>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

int SSL_accept(SSL* ssl) {
  static const auto real = libssl<handshake_fn>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

} // extern "C"
