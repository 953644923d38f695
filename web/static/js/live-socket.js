// One Socket.IO connection to a live round, kept in step with the server.
//
// The server owns the truth: on every (re)connect the page says hello again (join or
// watch) and renders the state in the ack; round events carry a `seq`, and one older
// than what the page has shown is dropped. Times are the server's epoch ms, so the page
// keeps an estimate of the server clock for countdowns.

import { io } from "../vendor/socket.io-client/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 8000;
// Leaderboard messages count their own versions, not round events.
const UNSEQUENCED = new Set(["leaderboard", "answers"]);

/** The server clock as seen from here: local time plus an estimated offset. */
export class ServerClock {
  constructor() {
    this.offset = 0;
    this.measured = false;
  }

  /** An ack carrying the server's `now`: assume it was read half way through the trip. */
  fromAck(serverNow, sentAt, receivedAt) {
    if (typeof serverNow !== "number") return;
    this.offset = serverNow - (sentAt + receivedAt) / 2;
    this.measured = true;
  }

  /** A pushed event stamped `serverAt` arrived at `receivedAt`: the server was at least there. */
  notBefore(serverAt, receivedAt = Date.now()) {
    if (typeof serverAt !== "number") return;
    const lowest = serverAt - receivedAt;
    if (!this.measured || lowest > this.offset) {
      this.offset = lowest;
      this.measured = true;
    }
  }

  now() {
    return Date.now() + this.offset;
  }
}

/**
 * Play `clip`, which started at server time `startedAt`, from where it is now by the
 * server's `clock`: the big screen and every phone play a question's audio in step with
 * the server's open time, and one that opens or reconnects mid-question joins in time.
 * Resolves true once playing, false when the clip is already over (it stays silent);
 * rejects when the browser refuses to play without a tap.
 */
export async function playInStep(clip, clock, startedAt) {
  if (clip.readyState < HTMLMediaElement.HAVE_METADATA) {
    // The offset counts from when the clip can start, not from when it was asked for.
    await new Promise((resolve) => {
      clip.addEventListener("loadedmetadata", resolve, { once: true });
      clip.addEventListener("error", resolve, { once: true });
    });
  }
  const offset = Math.max(0, (clock.now() - startedAt) / 1000);
  if (Number.isFinite(clip.duration) && offset >= clip.duration) return false;
  if (offset > 0.5) clip.currentTime = offset;
  await clip.play();
  return true;
}

/**
 * Connect to `namespace`. `hello(call)` runs on every connect and resolves to the ack
 * whose `state` the page renders through `onSynced(ack, fresh)` (`fresh` is false if an
 * event newer than the ack's state already arrived); `on(name, data)` gets every newer
 * round event; `onStatus("connected" | "reconnecting")` tells the page about the line.
 */
export function liveSocket(namespace, { events, hello, onSynced, on, onStatus = () => {} }) {
  const socket = io(namespace, {
    // WebSocket only: behind several server processes a polling client would need
    // sticky sessions, a WebSocket stays on the process it reached.
    transports: ["websocket"],
    reconnectionDelayMax: 5000,
  });
  const clock = new ServerClock();
  let seq = -1;

  function call(name, data) {
    const sentAt = Date.now();
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(name, data, (error, ack) => {
        if (error) {
          resolve({ ok: false, error: { code: "timeout", message: "No answer from the server." } });
          return;
        }
        const state = ack && ack.state;
        if (state && typeof state.now === "number") clock.fromAck(state.now, sentAt, Date.now());
        resolve(ack);
      });
    });
  }

  // An ack's state older than an event that overtook it would step the page back.
  function synced(ack) {
    let fresh = true;
    if (ack && ack.ok && ack.state) {
      fresh = ack.state.seq >= seq;
      seq = Math.max(seq, ack.state.seq);
    }
    onSynced(ack, fresh);
    return ack;
  }

  async function resync() {
    const ack = await hello(call);
    if (ack) synced(ack);
    return ack;
  }

  socket.on("connect", () => {
    onStatus("connected");
    resync();
  });
  // Said in the console too: a line that keeps failing is otherwise invisible to support.
  socket.on("disconnect", (reason) => {
    console.warn(`${namespace} disconnected: ${reason}`);
    onStatus("reconnecting");
  });
  socket.on("connect_error", (error) => {
    console.warn(`${namespace} could not connect: ${error.message}`);
    onStatus("reconnecting");
  });

  for (const name of events) {
    socket.on(name, (data) => {
      const receivedAt = Date.now();
      if (!UNSEQUENCED.has(name) && data && typeof data.seq === "number") {
        if (data.seq < seq) return;
        seq = data.seq;
      }
      if (data && name === "question") clock.notBefore(data.opens_at, receivedAt);
      on(name, data);
    });
  }

  // The system knows the line is down before a ping would notice: say so now, and drop
  // the dead transport so the client reconnects (and the page rejoins) once it is back.
  window.addEventListener("offline", () => {
    onStatus("reconnecting");
    socket.io.engine?.close();
  });

  // A phone that slept may have missed events without noticing a disconnect.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && socket.connected) resync();
  });

  return { socket, call, clock, resync };
}

/**
 * A countdown to a server time: `draw(seconds)` every quarter second for the eye,
 * `announce(mark)` for screen readers only when the time left crosses a mark.
 */
export const ANNOUNCE_AT = [10, 5, 0];

export class Countdown {
  constructor(clock, { draw, announce }) {
    this.clock = clock;
    this.draw = draw;
    this.announce = announce;
    this.timer = null;
  }

  start(closesAt, { paused = false } = {}) {
    this.stop();
    if (typeof closesAt !== "number") return;
    const left = () => Math.max(0, Math.ceil((closesAt - this.clock.now()) / 1000));
    // A page opened with 7 s left says nothing until 5.
    let previous = left();
    this.draw(previous);
    if (paused || previous === 0) return;
    this.timer = setInterval(() => {
      const now = left();
      this.draw(now);
      for (const mark of ANNOUNCE_AT) if (previous > mark && now <= mark) this.announce(mark);
      previous = now;
      if (now === 0) this.stop();
    }, 250);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }
}
