// scrypt, the library's (core/crypto/scrypt.cpp, written from RFC 7914) against OpenSSL's
// EVP_PBE_scrypt, which it replaced, at the two costs the project runs:
// - N = 16384, r = 8, p = 1: production's password hash, where the memory-hard mixing is
//   nearly all the work and the two should be level;
// - N = 2: the simulator's, where OpenSSL's per-call provider lookups and per-block HMAC
//   contexts were nearly all the work.
// The same password and salt on both sides; the keys are compared once, so a faster wrong
// answer cannot pass.

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstdint>
#include <string>

#include "core/base/assert.hpp"
#include "core/crypto/scrypt.hpp"

namespace {

using namespace qm::crypto;

const std::string password = "correct horse battery staple";
const std::string salt = "0123456789abcdef";

scrypt_params params_for(const benchmark::State& state) {
  return scrypt_params{static_cast<std::uint64_t>(state.range(0)), 8, 1, 32};
}

std::string openssl_scrypt(const scrypt_params& p) {
  std::string out(p.key_len, '\0');
  const int rc = EVP_PBE_scrypt(password.data(), password.size(),
                                reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                                p.n, p.r, p.p, 0, reinterpret_cast<unsigned char*>(out.data()),
                                out.size());
  QM_ASSERT(rc == 1);
  return out;
}

void bm_scrypt_quickmart(benchmark::State& state) {
  const auto p = params_for(state);
  QM_ASSERT(scrypt(password, salt, p).value() == openssl_scrypt(p));
  for (auto _ : state) {
    benchmark::DoNotOptimize(scrypt(password, salt, p));
  }
}

void bm_scrypt_openssl(benchmark::State& state) {
  const auto p = params_for(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(openssl_scrypt(p));
  }
}

BENCHMARK(bm_scrypt_quickmart)->Arg(2)->Arg(16384)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_scrypt_openssl)->Arg(2)->Arg(16384)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
