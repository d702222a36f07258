#define CAF_SUITE messages
#include "tests/support/fixtures.hpp"

using namespace cdb;

namespace {

// Compile-time checks of the order path (see messages/interfaces.hpp).
template <class Inputs, class Sig>
struct takes : std::false_type {};

template <class... In, class Out>
struct takes<caf::detail::type_list<In...>,
             caf::typed_mpi<caf::detail::type_list<In...>, Out>>
  : std::true_type {};

template <class Handle, class... In>
struct accepts;

template <class... Sigs, class... In>
struct accepts<caf::typed_actor<Sigs...>, In...>
  : std::disjunction<takes<caf::detail::type_list<In...>, Sigs>...> {};

static_assert(accepts<execution_actor, submit_order>::value,
              "execution takes orders");
static_assert(!accepts<risk_actor, submit_order>::value);
static_assert(!accepts<signal_sink, submit_order>::value);
static_assert(!accepts<feed_actor, submit_order>::value);
static_assert(!accepts<persistence_actor, submit_order>::value);
static_assert(!accepts<circuit_breaker_actor, submit_order>::value);
static_assert(!accepts<risk_control, submit_order>::value);
static_assert(!accepts<portfolio_sink, submit_order>::value);
static_assert(!accepts<breaker_inbox, submit_order>::value);
static_assert(!accepts<account_source, submit_order>::value);
static_assert(!accepts<status_sink, submit_order>::value);

template <class Wiring>
struct wiring_holds_execution;

template <class... Fields>
struct wiring_holds_execution<std::tuple<Fields&...>>
  : std::disjunction<accepts<Fields, submit_order>...> {};

template <class W>
constexpr bool can_order = wiring_holds_execution<
  decltype(std::declval<W&>().tie())>::value;

static_assert(!can_order<signal_wiring>, "signal never holds execution");
static_assert(!can_order<breaker_wiring>, "breaker never holds execution");
static_assert(!can_order<execution_wiring>);
static_assert(can_order<risk_wiring>, "risk is the only path");

} // namespace

CAF_TEST_FIXTURE_SCOPE(message_tests, test::coordinator_fixture)

CAF_TEST(every message survives serialization) {
  // The fixture's roundtrip() serializes and deserializes with CAF.
  trade_tick t{"BTC", 1.5, 2, side::sell, "7", 1, 2};
  CAF_CHECK(roundtrip(t) == t);
  signal s{"sig", "ema", "BTC", signal_side::close, 0.5, 10, 1, "why", 3, 4};
  CAF_CHECK(roundtrip(s) == s);
  order o;
  o.id = "o";
  o.qty = 3;
  o.reduce_only = true;
  o.tif = time_in_force::post_only;
  o.parent_id = "e";
  CAF_CHECK(roundtrip(submit_order{o}) == submit_order{o});
  cancel_order c{"o", "why", 5};
  CAF_CHECK(roundtrip(c) == c);
  amend_order a{"o", 2, 3, 0, 6};
  CAF_CHECK(roundtrip(a) == a);
  portfolio_snapshot p;
  p.id = "p";
  auto pos = test::make_position("BTC", -1, 2);
  pos.perpetual = true;
  pos.liquidation_price = 7;
  p.positions.push_back(pos);
  p.margin_used = 8;
  CAF_CHECK(roundtrip(p) == p);
  risk_decision d;
  d.id = "d";
  d.layer = "exposure";
  CAF_CHECK(roundtrip(d) == d);
  trading_state st;
  st.id = "s";
  st.mode = trading_mode::halted;
  st.reason = "r";
  st.since = 9;
  st.peak_equity = 1e5;
  st.trips.push_back(
    breaker_trip{"drawdown", trading_mode::halted, "dd 10%", 7, 19000});
  CAF_CHECK(roundtrip(st) == st);
  CAF_CHECK(roundtrip(st) != trading_state{});
  actor_failure af{"risk", true, "boom"};
  CAF_CHECK(roundtrip(af) == af);
}

CAF_TEST(enums print by name) {
  CAF_CHECK_EQUAL(caf::deep_to_string(trading_mode::reducing), "REDUCING");
  CAF_CHECK_EQUAL(caf::deep_to_string(side::sell), "sell");
}

CAF_TEST_FIXTURE_SCOPE_END()
