//! Frames as PNG images: for each step, the true screen, the predicted one, and the cells where they
//! differ, side by side, drawn with an 8×8 monospace bitmap font (font8x8, public domain).

use std::io::Write;
use std::ops::Range;

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

/// The largest picture drawn: 64 million pixels (192 MB in memory), none of whose sides is longer
/// than image viewers commonly open. Past it a picture is refused before anything is allocated, as
/// a recording's screen can be of any size, and a session of any length.
const MOST_PIXELS: usize = 64_000_000;
const LONGEST_SIDE: usize = 32_767;

/// A picture larger than [`MOST_PIXELS`] or with a side longer than [`LONGEST_SIDE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    pub width: usize,
    pub height: usize,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the picture would be {}×{} pixels, more than ncsh draws (at most {LONGEST_SIDE} \
             pixels a side, {} million in all)",
            self.width,
            self.height,
            MOST_PIXELS / 1_000_000
        )
    }
}

impl std::error::Error for TooLarge {}

/// The rows and columns of the largest of `truths`, and the picture's width and height in pixels
/// with one step under another.
fn layout<'a>(
    truths: impl ExactSizeIterator<Item = &'a Frame> + Clone,
) -> Result<(usize, usize, usize, usize), TooLarge> {
    let steps = truths.len().max(1);
    let rows = truths
        .clone()
        .map(|t| usize::from(t.rows))
        .max()
        .unwrap_or(1);
    let cols = truths.map(|t| usize::from(t.cols)).max().unwrap_or(1);
    let width = PANELS * cols * CELL + (PANELS - 1) * GAP;
    let height = (CELL + GAP / 2 + rows * CELL + GAP).saturating_mul(steps);
    if width > LONGEST_SIDE || height > LONGEST_SIDE || width.saturating_mul(height) > MOST_PIXELS {
        return Err(TooLarge { width, height });
    }
    Ok((rows, cols, width, height))
}

/// The steps whose true frames are `truths`, split in order into runs that can each be drawn as one
/// picture, as many steps in each as fit. Known before any step is predicted.
///
/// # Errors
/// When a step's screen alone is too large.
pub fn pages(truths: &[&Frame]) -> Result<Vec<Range<usize>>, TooLarge> {
    let fits = |run: &[&Frame]| layout(run.iter().copied()).is_ok();
    let mut pages = Vec::new();
    let mut start = 0;
    while start < truths.len() {
        layout(std::iter::once(truths[start]))?;
        let mut end = start + 1;
        while end < truths.len() && fits(&truths[start..=end]) {
            end += 1;
        }
        pages.push(start..end);
        start = end;
    }
    Ok(pages)
}

/// One picture of `steps` (action, true frame, predicted frame) one under another: each a title line
/// and three panels (true | predicted | differing cells, in red).
///
/// # Errors
/// When the picture would be too large to draw.
pub fn picture(steps: &[(&str, &Frame, &Frame)]) -> Result<Picture, TooLarge> {
    let (rows, cols, width, height) = layout(steps.iter().map(|(_, t, _)| *t))?;
    let panel = cols * CELL;
    let block = CELL + GAP / 2 + rows * CELL + GAP;
    let mut picture = Picture::new(width, height);
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
    Ok(picture)
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
        let picture = picture(&[("echo", &truth, &predicted)]).unwrap();
        assert_eq!(picture.width, 3 * 4 * CELL + 2 * GAP);
        let red = picture.pixels.chunks(3).filter(|p| *p == WRONG).count();
        assert!(red > 0);
        let mut bytes = Vec::new();
        picture.write_png(&mut bytes).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }

    #[test]
    fn a_picture_too_large_is_refused_before_it_is_drawn() {
        let huge = Frame::blank(1000, 1000);
        let refused = picture(&[("echo", &huge, &huge)]).err().unwrap();
        assert_eq!(refused.width, 3 * 1000 * CELL + 2 * GAP);
        assert!(refused.to_string().contains("pixels a side"), "{refused}");

        assert_eq!(pages(&[&huge]).err(), Some(refused));
    }

    #[test]
    fn a_long_session_is_split_into_pictures_each_as_full_as_fits() {
        let screen = Frame::blank(24, 80);
        let tall = Frame::blank(200, 80);
        let mut steps = vec![&screen; 200];
        let runs = pages(&steps).unwrap();
        assert_eq!(
            runs,
            [0..154, 154..200],
            "154 steps of 24 rows fit in one picture"
        );
        assert!(layout(steps[..155].iter().copied()).is_err());
        // A taller screen makes every step of its picture taller.
        steps[10] = &tall;
        let runs = pages(&steps).unwrap();
        assert_eq!(runs[0].end, 20, "{runs:?}");
        for run in &runs {
            assert!(
                layout(steps[run.clone()].iter().copied()).is_ok(),
                "{run:?}"
            );
        }
        assert_eq!(runs.last().unwrap().end, 200);
        assert!(pages(&[]).unwrap().is_empty());
    }
}
