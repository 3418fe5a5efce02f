//! Frames as PNG images: for each step, the true screen, the predicted one, and the cells where they
//! differ, side by side, drawn with an 8×8 monospace bitmap font (font8x8, public domain).

use std::io::Write;

use kernel_bridge::Frame;

const CELL: usize = 8;
const GAP: usize = 8;
const PANELS: usize = 3;

type Rgb = [u8; 3];
const BACKGROUND: Rgb = [16, 16, 24];
const TEXT: Rgb = [220, 220, 220];
const CURSOR: Rgb = [90, 160, 90];
const SAME: Rgb = [40, 40, 56];
const WRONG: Rgb = [200, 40, 40];
const TITLE: Rgb = [240, 200, 80];

/// An RGB picture.
pub struct Picture {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Picture {
    fn new(width: usize, height: usize) -> Self {
        let mut pixels = Vec::with_capacity(width * height * 3);
        for _ in 0..width * height {
            pixels.extend_from_slice(&BACKGROUND);
        }
        Self {
            width,
            height,
            pixels,
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, color: Rgb) {
        for row in y..(y + h).min(self.height) {
            for col in x..(x + w).min(self.width) {
                let at = (row * self.width + col) * 3;
                self.pixels[at..at + 3].copy_from_slice(&color);
            }
        }
    }

    fn glyph(&mut self, x: usize, y: usize, c: char, color: Rgb) {
        let code = if c.is_ascii() {
            c as usize
        } else {
            '?' as usize
        };
        let rows = font8x8::legacy::BASIC_LEGACY[code];
        for (dy, bits) in rows.iter().enumerate() {
            for dx in 0..8 {
                if bits & (1 << dx) != 0 {
                    self.fill(x + dx, y + dy, 1, 1, color);
                }
            }
        }
    }

    fn text(&mut self, x: usize, y: usize, text: &str, color: Rgb) {
        for (i, c) in text.chars().enumerate() {
            self.glyph(x + i * CELL, y, c, color);
        }
    }

    /// Writes it as PNG.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_png(&self, out: impl Write) -> Result<(), png::EncodingError> {
        let mut encoder = png::Encoder::new(out, self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()
    }
}

fn cell(frame: &Frame, row: usize, col: usize) -> char {
    frame
        .lines
        .get(row)
        .and_then(|l| l.chars().nth(col))
        .unwrap_or(' ')
}

/// One picture of `steps` (action, true frame, predicted frame) one under another: each a title line
/// and three panels (true | predicted | differing cells, in red).
pub fn picture(steps: &[(&str, &Frame, &Frame)]) -> Picture {
    let rows = steps
        .iter()
        .map(|(_, t, _)| usize::from(t.rows))
        .max()
        .unwrap_or(1);
    let cols = steps
        .iter()
        .map(|(_, t, _)| usize::from(t.cols))
        .max()
        .unwrap_or(1);
    let panel = cols * CELL;
    let block = CELL + GAP / 2 + rows * CELL + GAP;
    let mut picture = Picture::new(
        PANELS * panel + (PANELS - 1) * GAP,
        block * steps.len().max(1),
    );
    for (k, (action, truth, predicted)) in steps.iter().enumerate() {
        let top = k * block;
        picture.text(0, top, &format!("$ {action}"), TITLE);
        let y0 = top + CELL + GAP / 2;
        for (p, frame) in [truth, predicted].iter().enumerate() {
            let x0 = p * (panel + GAP);
            let (cr, cc) = (usize::from(frame.cursor.0), usize::from(frame.cursor.1));
            picture.fill(x0 + cc * CELL, y0 + cr * CELL, CELL, CELL, CURSOR);
            for r in 0..usize::from(frame.rows) {
                for c in 0..usize::from(frame.cols) {
                    picture.glyph(x0 + c * CELL, y0 + r * CELL, cell(frame, r, c), TEXT);
                }
            }
        }
        let x0 = 2 * (panel + GAP);
        for r in 0..usize::from(truth.rows) {
            for c in 0..usize::from(truth.cols) {
                let (t, p) = (cell(truth, r, c), cell(predicted, r, c));
                let color = if t == p { SAME } else { WRONG };
                if t != ' ' || p != ' ' {
                    picture.fill(x0 + c * CELL, y0 + r * CELL, CELL, CELL, color);
                    picture.glyph(x0 + c * CELL, y0 + r * CELL, t, TEXT);
                }
            }
        }
        if truth.cursor != predicted.cursor {
            let (cr, cc) = (usize::from(truth.cursor.0), usize::from(truth.cursor.1));
            picture.fill(x0 + cc * CELL, y0 + cr * CELL, CELL, 2, WRONG);
        }
    }
    picture
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_three_panels_and_differences_are_red() {
        let mut truth = Frame::blank(2, 4);
        truth.lines[0] = "ab".into();
        let mut predicted = truth.clone();
        predicted.lines[0] = "ax".into();
        let picture = picture(&[("echo", &truth, &predicted)]);
        assert_eq!(picture.width, 3 * 4 * CELL + 2 * GAP);
        let red = picture.pixels.chunks(3).filter(|p| *p == WRONG).count();
        assert!(red > 0);
        let mut bytes = Vec::new();
        picture.write_png(&mut bytes).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }
}
