//! Where each pane goes, as a pure function of the terminal size, so the
//! update function (paging, mouse hits) and the widgets agree.

use ratatui::layout::Rect;

/// The panes of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The tree (always present).
    pub tree: Rect,
    /// Metadata of the selected entry, when there is room.
    pub meta: Option<Rect>,
    /// The preview, when on and there is room.
    pub preview: Option<Rect>,
    /// The status bar (bottom line).
    pub status: Rect,
}

/// Wide enough for the tree and a side pane.
const SIDE_BY_SIDE_WIDTH: u16 = 100;
/// Lines of the metadata pane below the tree when it shows the compact
/// layout: its title, the path, seven lines of two fields, the totals of a
/// directory and one line for a scan error or an audit finding.
const COMPACT_META_HEIGHT: u16 = 11;
/// The least tree (title and ten rows) kept above a stacked metadata pane.
const MIN_TREE_HEIGHT: u16 = 11;
/// Tall enough for the full metadata layout below the tree (45% of it).
const FULL_STACKED_HEIGHT: u16 = 40;

/// Splits the screen: tree on the left and metadata (with the preview under
/// it) on the right when wide; metadata below the tree when narrow (the
/// compact layout's 11 lines from 80×23 up, 45% of the height from 40
/// lines); the tree alone when smaller (`i` still shows the metadata).
pub fn layout(area: Rect, show_preview: bool) -> Areas {
    let status_height = u16::from(area.height > 0);
    let status =
        Rect { y: area.bottom().saturating_sub(status_height), height: status_height, ..area };
    let main = Rect { height: area.height - status_height, ..area };
    if main.width >= SIDE_BY_SIDE_WIDTH && main.height >= 8 {
        let tree_width = main.width * 55 / 100;
        let tree = Rect { width: tree_width, ..main };
        let side = Rect { x: main.x + tree_width, width: main.width - tree_width, ..main };
        let (meta, preview) = split_vertical(side, show_preview, side.height / 2);
        return Areas { tree, meta: Some(meta), preview, status };
    }
    if main.height >= MIN_TREE_HEIGHT + COMPACT_META_HEIGHT - 1 && main.width >= 40 {
        let below = if main.height >= FULL_STACKED_HEIGHT {
            main.height * 45 / 100
        } else {
            COMPACT_META_HEIGHT.min(main.height - MIN_TREE_HEIGHT)
        };
        let tree = Rect { height: main.height - below, ..main };
        let bottom = Rect { y: main.y + tree.height, height: below, ..main };
        if show_preview {
            // Narrow and tall: the preview replaces the metadata below the tree.
            return Areas { tree, meta: None, preview: Some(bottom), status };
        }
        return Areas { tree, meta: Some(bottom), preview: None, status };
    }
    Areas { tree: main, meta: None, preview: None, status }
}

fn split_vertical(area: Rect, split: bool, top_height: u16) -> (Rect, Option<Rect>) {
    if !split {
        return (area, None);
    }
    let top = Rect { height: top_height, ..area };
    let bottom = Rect { y: area.y + top_height, height: area.height - top_height, ..area };
    (top, Some(bottom))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_terminals_put_metadata_beside_the_tree() {
        let a = layout(Rect::new(0, 0, 160, 40), false);
        assert_eq!(a.status, Rect::new(0, 39, 160, 1));
        let meta = a.meta.unwrap();
        assert_eq!(a.tree.width + meta.width, 160);
        assert_eq!(meta.x, a.tree.width);
        assert!(a.preview.is_none());
        let b = layout(Rect::new(0, 0, 160, 40), true);
        assert_eq!(b.meta.unwrap().height + b.preview.unwrap().height, 39);
    }

    #[test]
    fn narrow_terminals_stack_or_hide_the_metadata() {
        let tall = layout(Rect::new(0, 0, 80, 40), false);
        assert_eq!(tall.meta.unwrap().y, tall.tree.height);
        let small = layout(Rect::new(0, 0, 60, 12), true);
        assert!(small.meta.is_none() && small.preview.is_none());
        assert_eq!(small.tree.height, 11);
    }

    #[test]
    fn at_80_by_24_the_tree_keeps_ten_rows_above_the_compact_metadata() {
        let a = layout(Rect::new(0, 0, 80, 24), false);
        let meta = a.meta.expect("metadata on screen at 80x24");
        assert!(a.tree.height > 10, "tree {} lines", a.tree.height);
        assert_eq!(meta.height, COMPACT_META_HEIGHT);
        assert_eq!(a.tree.height + meta.height + a.status.height, 24);
    }

    #[test]
    fn tiny_and_empty_sizes_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (20, 5), (5, 20), (100, 2)] {
            let a = layout(Rect::new(0, 0, w, h), true);
            assert!(a.tree.height <= h);
        }
    }
}
