"use strict";
// Re-checks this file's chain proof and screenshots in the browser, offline: the same rules as `retrofhir audit verify`.
(function () {
  const proof = JSON.parse(document.getElementById("chain-proof").textContent);
  const result = document.getElementById("recheck-result");
  const encoder = new TextEncoder();

  async function sha256Hex(bytes) {
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function dataUriBytes(uri) {
    const raw = atob(uri.slice(uri.indexOf(",") + 1));
    const bytes = new Uint8Array(raw.length);
    for (let index = 0; index < raw.length; index += 1) {
      bytes[index] = raw.charCodeAt(index);
    }
    return bytes;
  }

  async function recheck() {
    const problems = [];
    const screenshotHashes = new Set();
    let previous = null;
    for (const record of proof) {
      if (record.payload !== null && (await sha256Hex(encoder.encode(record.payload))) !== record.payload_sha256) {
        problems.push("record " + record.seq + ": payload does not match its hash");
      }
      const fields = [String(record.seq), record.kind, record.run_id, record.recorded_at, record.payload_sha256,
        record.screenshot_sha256 || "-", record.prev_hash];
      if ((await sha256Hex(encoder.encode(fields.join("\n")))) !== record.record_hash) {
        problems.push("record " + record.seq + ": record hash does not match its fields");
      }
      if (previous !== null && previous.seq + 1 === record.seq && record.prev_hash !== previous.record_hash) {
        problems.push("record " + record.seq + ": previous-hash does not match record " + previous.seq);
      }
      if (record.screenshot_sha256) {
        screenshotHashes.add(record.screenshot_sha256);
      }
      previous = record;
    }
    const originals = document.querySelectorAll("a[data-sha256]");
    for (const link of originals) {
      const expected = link.dataset.sha256;
      if (!screenshotHashes.has(expected) || (await sha256Hex(dataUriBytes(link.href))) !== expected) {
        problems.push("screenshot " + expected.slice(0, 16) + " does not match the chain");
      }
    }
    result.textContent = problems.length
      ? "NOT VERIFIED: " + problems.join("; ")
      : "Verified: " + proof.length + " records and " + originals.length + " screenshots match their hashes.";
    result.className = problems.length ? "bad" : "good";
  }

  document.getElementById("recheck").addEventListener("click", recheck);
})();
