// The recent past a (re)started subscriber warms up from: the last N trades
// of each instrument and the last M venue bars of each instrument and
// interval. Fixed-size rings: memory is bounded by the config (56 bytes a
// trade: the instrument is the ring's, not each slot's, and the id is
// inline unless longer than 22 bytes), and recording a record is a copy
// into a slot.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/market_data.hpp"
#include "runtime/instrument_cache.hpp"

namespace cdb {

class history_buffer {
public:
  history_buffer(std::size_t trades_per_instrument, std::size_t bars_per_series)
    : max_trades_(trades_per_instrument), max_bars_(bars_per_series) {
    // nop
  }

  void add(const trade_tick& t);

  void add(const bar& b);

  /// Returns everything held, oldest first per instrument (instruments and
  /// bar series in name order).
  market_history snapshot() const;

  std::size_t trades() const noexcept;

  /// Trade slots reserved over all instruments: each ring's whole
  /// capacity from its first trade on (the memory it may come to use).
  std::size_t trade_slots() const noexcept;

  /// Trade ids kept apart, too long for a slot: one per slot holding one.
  std::size_t long_trade_ids() const noexcept;

private:
  /// A trade without its instrument, its id inline: 56 bytes, and a copy
  /// into a slot without a call into std::string (a backtest's feed keeps
  /// every trade; docs/performance.md).
  struct kept_trade {
    double price = 0;
    double qty = 0;
    timestamp event_time = 0;
    timestamp recv_time = 0;
    /// The trade id when it fits (every venue's so far: Binance's are
    /// numbers); a longer one is in its ring's long_ids.
    std::array<char, 22> id{};
    std::uint8_t id_len = 0; ///< long_id: the id is in long_ids.
    side aggressor = side::buy;
  };

  static constexpr std::uint8_t long_id = 0xff;

  template <class T>
  struct ring {
    std::vector<T> items;
    std::size_t head = 0; ///< Oldest item once full.

    /// The slot for a new item: a new one until `cap`, then the oldest.
    /// The ring takes its whole capacity at its first item: growing by
    /// doubling moved every kept item several times while a backtest's
    /// first 100 000 trades came in (docs/performance.md). Reserved pages
    /// the ring has not written yet take no memory.
    T& slot(std::size_t cap) {
      if (items.size() < cap) {
        if (items.capacity() == 0)
          items.reserve(cap);
        return items.emplace_back();
      }
      auto& x = items[head];
      head = head + 1 == items.size() ? 0 : head + 1;
      return x;
    }

    /// Calls `f` with each item, oldest first.
    template <class F>
    void each(F&& f) const {
      for (std::size_t i = 0; i < items.size(); ++i)
        f(items[(head + i) % items.size()]);
    }
  };

  std::size_t max_trades_;
  std::size_t max_bars_;
  /// An instrument's trades, and the ids too long to keep inline, by
  /// slot.
  struct trade_ring : ring<kept_trade> {
    std::map<std::size_t, std::string> long_ids;

    /// The slot `k` is, the key of its long id.
    std::size_t index_of(const kept_trade& k) const noexcept {
      return static_cast<std::size_t>(&k - items.data());
    }
  };

  std::map<std::string, trade_ring, std::less<>> trades_;
  instrument_cache<trade_ring> trade_rings_; ///< Entries of trades_.
  std::map<std::pair<std::string, nanoseconds>, ring<bar>> bars_;
};

} // namespace cdb
