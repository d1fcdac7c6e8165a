"""The sargam view's instrument feed (static/js/page/sargam-view.js) in a real canvas."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

DRAW = """async ({saHz, instrumentHz}) => {
  const k = await import('/tests/build/testkit.js');
  const c = document.createElement('canvas');
  c.style.width = '300px'; c.style.height = '240px';
  document.body.appendChild(c);
  const view = k.sargamView.createSargamView(c, {saHz});
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) view.pushInstrument(instrumentHz, t0 - 4000 + 40 * i);
  view.draw(t0);
  const g = c.getContext('2d'), d = g.getImageData(0, 0, c.width, c.height).data, scale = c.height / 240;
  const ys = [];
  for (let y = 0; y < c.height; y++) {
    let n = 0;
    for (let x = 0; x < c.width; x++) {
      const i = 4 * (y * c.width + x);
      if (d[i] < 90 && d[i + 1] > 150 && d[i + 2] > 140) n++; // the teal instrument trace
    }
    if (n > 20) ys.push(y / scale);
  }
  view.stop();
  c.remove();
  return {ys, expected: view.yOf(saHz * 1.5), pxPer100: 240 * 100 / 2520};
}"""


@pytest.mark.parametrize("octaves_up", [0, 2, 3])
def test_instrument_pitch_is_drawn_on_its_swara_folded_into_view(open_page, octaves_up):
    """Pa played 0, 2 or 3 octaves above the singer's Sa is drawn on the madhya Pa line or on an
    octave of it that the chart shows (the instrument often plays octaves above the voice)."""
    page, errors, _ = open_page()
    sa_hz = 130.81
    r = page.evaluate(DRAW, {"saHz": sa_hz, "instrumentHz": sa_hz * 1.5 * 2 ** octaves_up})
    assert r["ys"], "no instrument trace drawn"
    y = sum(r["ys"]) / len(r["ys"])
    octave_px = 12 * r["pxPer100"]
    off_octaves = (y - r["expected"]) / octave_px
    assert abs(off_octaves - round(off_octaves)) * octave_px < r["pxPer100"] / 2, \
        f"trace at y={y:.1f}, Pa at {r['expected']:.1f}"
    assert errors == []
