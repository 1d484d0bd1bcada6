mod tui_support;

use tui_support::*;

#[test]
fn probe() {
    let f = Fixture::new();
    let mut h = Harness::fixture(&f, (60, 14));
    println!("{}", h.snapshot_frame());
    println!("{:?}", h.row_paths());
    h.press("j");
    h.press("l");
    println!("{}", h.snapshot_frame());
    h.resize(120, 30);
    println!("{}", h.screen());
}
