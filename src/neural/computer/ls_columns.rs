//! `ls` on a terminal lists names in columns, down then across, as many columns as fit. `fs ls -1`
//! gives the names; this lays them out as GNU ls does, so that a plain `ls` can be checked too.

/// Two spaces at least between columns, as GNU ls keeps.
const GAP: usize = 2;

/// GNU ls counts every column, the last too, as at least this wide.
const NARROWEST: usize = 3;

/// The lines GNU ls prints for `names` (in its order) on a terminal `width` columns wide, each
/// without the padding it would end with.
pub fn columns(names: &[&str], width: usize) -> Vec<String> {
    let count = names.len();
    if count == 0 {
        return Vec::new();
    }
    let lengths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    // GNU tries every number of columns up to what the narrowest columns allow, and keeps the
    // most whose line (each column as wide as its widest name plus the gap, the last without it,
    // and none narrower than three) is shorter than the terminal.
    let most = width.div_ceil(NARROWEST).clamp(1, count);
    let (rows, widths) = (1..=most)
        .rev()
        .map(|cols| layout(&lengths, cols))
        .find(|(_, widths)| widths.iter().sum::<usize>() < width)
        .unwrap_or_else(|| layout(&lengths, 1));
    (0..rows)
        .map(|row| {
            let mut line = String::new();
            let mut index = row;
            let mut col = 0;
            while index < count {
                line.push_str(names[index]);
                if index + rows < count {
                    let pad = widths[col] - lengths[index];
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                index += rows;
                col += 1;
            }
            line
        })
        .collect()
}

/// Rows, and each column's width with its gap (none after the last), for `cols` columns.
fn layout(lengths: &[usize], cols: usize) -> (usize, Vec<usize>) {
    let rows = lengths.len().div_ceil(cols);
    let used = lengths.len().div_ceil(rows);
    let widths = (0..used)
        .map(|col| {
            let widest = lengths[col * rows..((col + 1) * rows).min(lengths.len())]
                .iter()
                .max()
                .copied()
                .unwrap_or(0);
            (widest + if col + 1 == used { 0 } else { GAP }).max(NARROWEST)
        })
        .collect();
    (rows, widths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What GNU ls itself prints for files of these names, with its tabs turned into the spaces a
    /// terminal shows.
    fn gnu_ls(names: &[&str], width: usize) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let out = std::process::Command::new("ls")
            .args(["-C", "-T", "0", &format!("--width={width}")])
            .current_dir(dir.path())
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim_end().to_owned())
            .collect()
    }

    #[test]
    fn names_are_laid_out_as_gnu_ls_lays_them_out() {
        let words = [
            "a",
            "bb",
            "ccc",
            "dddd",
            "e",
            "ffffff",
            "g",
            "hhhhhhhhhhh",
            "i",
            "jj",
            "kkkkkk",
            "llllllllllllllllllll",
            "m",
            "nn",
            "ooo",
            "p",
            "qqqqqqqq",
            "r",
            "ss",
            "tttt",
        ];
        for take in [1, 2, 3, 5, 8, 13, 20] {
            for width in [80, 40, 12] {
                let mut names: Vec<&str> = words[..take].to_vec();
                names.sort_unstable();
                assert_eq!(
                    columns(&names, width),
                    gnu_ls(&names, width),
                    "{take} names, {width} wide"
                );
            }
        }
        assert!(columns(&[], 80).is_empty());
    }
}
