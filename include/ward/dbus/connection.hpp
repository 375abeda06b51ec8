// One D-Bus connection over a unix stream socket: SASL EXTERNAL, then
// method calls with bounded waits. Signals that arrive while ward waits for
// a reply are queued for next_signal(), so a JobRemoved that systemd sends
// before its reply to StartTransientUnit is not lost.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/dbus/message.hpp"

#include <chrono>
#include <deque>
#include <string>

namespace ward::dbus {

using Clock = std::chrono::steady_clock;

class Connection {
  public:
    // Connects to socket_path (O_CLOEXEC) and authenticates as auth_uid,
    // which must be the uid the peer sees for this socket (SO_PEERCRED:
    // the host's view of ward's euid, also inside the container's user
    // namespace, where geteuid() says 0). on_bus: a message bus
    // (dbus-daemon) rather than systemd's peer-to-peer private socket, so
    // Hello is sent first. Everything, the connect included, must finish
    // within timeout.
    static Connection open(const std::string& socket_path, bool on_bus, unsigned auth_uid,
                           std::chrono::milliseconds timeout);

    // Sends a method call and waits for its reply until the deadline. An
    // error reply throws Error("NAME: its message").
    // nudge_after (when set): if nothing at all has come back by then, send
    // a Peer.Ping behind the call and keep waiting. systemd's private
    // socket was seen (vm lane) leaving a call that arrived together with
    // the SASL BEGIN line unread until more bytes came; the ping is those
    // bytes.
    Message call(Message m, Clock::time_point deadline, Clock::duration nudge_after = {});
    // The next signal (queued first), or throws at the deadline.
    Message next_signal(Clock::time_point deadline);

  private:
    bool readable_within(Clock::duration wait) const;
    void write_all(std::string_view bytes, Clock::time_point deadline);
    std::string read_exact(std::size_t n, Clock::time_point deadline);
    std::string read_line(Clock::time_point deadline);
    Message read_message(Clock::time_point deadline);

    UniqueFd fd_;
    std::string pending_; // bytes read past the SASL exchange
    std::uint32_t serial_ = 0;
    std::deque<Message> signals_;
};

// The SASL line ward sends: "AUTH EXTERNAL <uid as decimal, hex-encoded>".
std::string sasl_auth_line(unsigned uid);

} // namespace ward::dbus
