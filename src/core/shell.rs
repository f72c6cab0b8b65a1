//! Link settings that belong to the page's shell rather than to a lab: `embed=1` (show only the
//! main picture, the transport and the scene note, sized to the frame: for an `<iframe>` in a
//! slide deck), `scene=N` (apply lecture scene N, 1-based, with its note) and `hide=` (parsed by
//! the lecture module). The shell keeps `hide=` and `embed=` in its own state and writes them
//! back into every hash it writes; a link without them turns them off.
//!
//! ```
//! use energy_core::{params::Params, shell};
//! let p = Params::parse("#hopfield?embed=1&scene=2").unwrap();
//! let (link, errors) = shell::read(&p, 20);
//! assert!(link.embed);
//! assert_eq!(link.scene, Some(1)); // scenes count from 1 in links, from 0 in code
//! assert!(errors.is_empty());
//! ```

use super::params::Params;

/// The shell's own settings read from a link.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShellLink {
    /// `embed=1`: the embedded view.
    pub embed: bool,
    /// `scene=N`: the lecture scene to apply (0-based here; the link counts from 1).
    pub scene: Option<usize>,
}

/// Reads `embed=` and `scene=` from a link with `n_scenes` lecture scenes; refused values are
/// left at their defaults and described in the returned messages.
pub fn read(p: &Params, n_scenes: usize) -> (ShellLink, Vec<String>) {
    let mut errors = Vec::new();
    let embed = p.flag("embed").unwrap_or_else(|e| {
        errors.push(e.to_string());
        None
    });
    let scene = if n_scenes == 0 {
        None
    } else {
        p.u64_in("scene", 1, n_scenes as u64).unwrap_or_else(|e| {
            errors.push(e.to_string());
            None
        })
    };
    let link = ShellLink {
        embed: embed.unwrap_or(false),
        scene: scene.map(|s| s as usize - 1),
    };
    (link, errors)
}

/// Writes the shell's settings into `p` (`embed=1` only when on).
pub fn write(p: &mut Params, embed: bool) {
    if embed {
        p.set("embed", "1");
    }
}

/// A scene's link with the page's current `hide=` and `embed=` carried over, unless the scene
/// sets them itself (choosing a scene in an embedded page keeps it embedded).
///
/// ```
/// use energy_core::shell::carry_over;
/// let h = carry_over("#ising?T=2&seed=1", &["speed".to_string()], true);
/// assert_eq!(h, "#ising?T=2&seed=1&hide=speed&embed=1");
/// ```
pub fn carry_over(scene_hash: &str, hide: &[String], embed: bool) -> String {
    let own = Params::parse(scene_hash).unwrap_or_default();
    let mut hash = scene_hash.to_string();
    let mut add = |k: &str, v: &str| {
        hash.push(if hash.contains('?') { '&' } else { '?' });
        hash.push_str(k);
        hash.push('=');
        hash.push_str(v);
    };
    if !hide.is_empty() && own.get("hide").is_none() {
        add("hide", &hide.join(","));
    }
    if embed && own.get("embed").is_none() {
        add("embed", "1");
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(h: &str) -> Params {
        Params::parse(h).expect("test link parses")
    }

    #[test]
    fn defaults_when_absent() {
        let (link, errors) = read(&parse("#hopfield?n=32"), 10);
        assert_eq!(link, ShellLink::default());
        assert!(errors.is_empty());
    }

    #[test]
    fn refused_values_are_reported_and_ignored() {
        let (link, errors) = read(&parse("#hopfield?embed=yes&scene=0"), 10);
        assert_eq!(link, ShellLink::default());
        assert_eq!(errors.len(), 2, "{errors:?}");
        let (link, errors) = read(&parse("#hopfield?scene=11"), 10);
        assert_eq!(link.scene, None);
        assert_eq!(errors.len(), 1);
        let (link, _) = read(&parse("#hopfield?scene=10&embed=0"), 10);
        assert_eq!(link.scene, Some(9));
        assert!(!link.embed);
    }

    #[test]
    fn written_back_only_when_on() {
        let mut p = Params::new("ising");
        write(&mut p, false);
        assert_eq!(p.format(), "#ising");
        write(&mut p, true);
        assert_eq!(p.format(), "#ising?embed=1");
        assert!(read(&parse(&p.format()), 0).0.embed);
    }

    #[test]
    fn a_scene_keeps_its_own_settings() {
        assert_eq!(carry_over("#ising", &[], true), "#ising?embed=1");
        assert_eq!(carry_over("#ising?embed=0", &[], true), "#ising?embed=0");
        assert_eq!(
            carry_over("#ising?hide=play", &["speed".into()], false),
            "#ising?hide=play"
        );
        assert_eq!(carry_over("#ising?T=1", &[], false), "#ising?T=1");
    }
}
