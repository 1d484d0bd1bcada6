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
/// Tall enough to stack the metadata below the tree.
const STACKED_HEIGHT: u16 = 24;

/// Splits the screen: tree on the left and metadata (with the preview under
/// it) on the right when wide; metadata below the tree when narrow but tall;
/// the tree alone when small.
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
    if main.height >= STACKED_HEIGHT && main.width >= 40 {
        let below = main.height * 45 / 100;
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
    fn tiny_and_empty_sizes_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (20, 5), (5, 20), (100, 2)] {
            let a = layout(Rect::new(0, 0, w, h), true);
            assert!(a.tree.height <= h);
        }
    }
}
