// Recording: the Record button (enabled while singing), the dry-voice choice, the clock, and the
// finished take (play, download, share).
import { $ } from "./dom.js";
import { preferences } from "./preferences.js";
import { showError } from "./ui.js";

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
let takeUrl = null;

/**
 * Record button (enabled while singing, see enableRecord), the dry-voice checkbox, the take.
 * @param {{onStart:(withVoice:boolean)=>Promise<void>, onStop:()=>Promise<void>}} h
 */
export function bindRecorder({ onStart, onStop }) {
  const button = $("record"), dry = $("record-dry");
  dry.checked = preferences.get("recordDry");
  dry.addEventListener("change", () => preferences.set("recordDry", dry.checked));
  button.addEventListener("click", async () => {
    const recording = button.getAttribute("aria-pressed") === "true";
    button.disabled = true; // until the recorder has started or the take is ready
    try {
      if (recording) await onStop();
      else await onStart(dry.checked);
      setRecording(!recording);
    } catch (err) {
      setRecording(false);
      showError({ what: `Recording failed (${err.message}).`, todo: "Tap Record again while singing." });
    } finally {
      button.disabled = !$("sing").matches('[aria-pressed="true"]');
    }
  });
}

function setRecording(on) {
  const button = $("record");
  button.setAttribute("aria-pressed", on ? "true" : "false");
  button.textContent = on ? "Stop recording" : "Record";
  if (on) showRecordingTime(0);
}

/** Record is possible only while singing (the instrument is playing). */
export function enableRecord(on) {
  const button = $("record");
  button.disabled = !on;
  button.title = on ? "" : "Tap Sing first";
}

export function showRecordingTime(seconds) {
  $("record-time").textContent = clock(seconds);
}

/**
 * A finished take: plays in the page, downloads as a WAV, and shares where the Web Share API
 * takes files. Nothing is uploaded: the file is a blob: URL in this page.
 * @param {{wav: ArrayBuffer, seconds: number, tracks: number, name: string}} take
 */
export function showTake({ wav, seconds, tracks, name }) {
  if (takeUrl) URL.revokeObjectURL(takeUrl);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
  const filename = `swara-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${stamp}.wav`;
  const blob = new Blob([wav], { type: "audio/wav" });
  takeUrl = URL.createObjectURL(blob);
  $("take").hidden = false;
  $("take-audio").src = takeUrl;
  const download = $("take-download");
  download.href = takeUrl;
  download.download = filename;
  showRecordingTime(seconds);
  $("record-time").title = tracks === 2 ? "2 tracks: instrument, your voice" : "the instrument";
  const share = $("take-share");
  const file = typeof File === "function" ? new File([blob], filename, { type: "audio/wav" }) : null;
  share.hidden = !(file && navigator.canShare && navigator.canShare({ files: [file] }));
  share.onclick = async () => {
    try {
      await navigator.share({ files: [file], title: `Swara: ${name}` });
    } catch (err) {
      if (err.name !== "AbortError") showError({ what: `Sharing did not work (${err.message}).`, todo: "Use Download instead: the file stays on this device." });
    }
  };
}
