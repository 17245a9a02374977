//! The hierarchy of levels: which entity is above which, and how entities are named.

use crate::aggregate::Level;
use crate::dataset::Dataset;

impl Dataset {
    /// Number of entities at a level (the region is one entity).
    pub fn entity_count(&self, level: Level) -> usize {
        match level {
            Level::Class => self.classes.len(),
            Level::Grade => self.grades.len(),
            Level::Teacher => self.teachers.len(),
            Level::School => self.schools.len(),
            Level::Municipality => self.municipalities.len(),
            Level::Region => 1,
            Level::Student => self.students.len(),
        }
    }

    /// The entity at level `up` that contains entity `e` of `level` (itself when `up ==
    /// level`); `None` when `up` is not above `level` (a teacher has no class).
    ///
    /// ```
    /// use oko::{Level, generate, GeneratorConfig};
    /// let ds = generate(&GeneratorConfig::tiny(1)).dataset;
    /// let school = ds.ancestor(Level::Class, 0, Level::School).unwrap();
    /// assert_eq!(school, ds.classes()[0].school);
    /// assert_eq!(ds.ancestor(Level::Class, 0, Level::Region), Some(0));
    /// assert_eq!(ds.ancestor(Level::Teacher, 0, Level::Class), None);
    /// ```
    pub fn ancestor(&self, level: Level, e: u32, up: Level) -> Option<u32> {
        if level == up {
            return Some(e);
        }
        if up == Level::Region {
            return Some(0);
        }
        if level == Level::Student {
            // A student belongs to their current class and everything above it.
            let class = *self.students.class.get(e as usize)?;
            return match up {
                Level::Class => Some(class),
                Level::Teacher | Level::Student => None,
                _ => self.ancestor(Level::Class, class, up),
            };
        }
        let school = match level {
            Level::Class => {
                let c = &self.classes[e as usize];
                if up == Level::Grade {
                    return Some(c.grade_entity);
                }
                c.school
            }
            Level::Grade => self.grades[e as usize].school,
            Level::Teacher => self.teachers[e as usize].school,
            Level::School => e,
            Level::Municipality | Level::Region | Level::Student => return None,
        };
        match up {
            Level::School => Some(school),
            Level::Municipality => Some(self.schools[school as usize].municipality),
            _ => None,
        }
    }

    /// Stable id of an entity: the users' id; `school/grade` for a grade; `region`.
    pub fn entity_id(&self, level: Level, e: u32) -> String {
        match level {
            Level::Class => self.classes[e as usize].id.clone(),
            Level::Grade => {
                let g = self.grades[e as usize];
                format!("{}/{}", self.schools[g.school as usize].id, g.grade)
            }
            Level::Teacher => self.teachers[e as usize].id.clone(),
            Level::School => self.schools[e as usize].id.clone(),
            Level::Municipality => self.municipalities[e as usize].id.clone(),
            Level::Region => "region".to_owned(),
            Level::Student => self.students.id(e).to_owned(),
        }
    }

    /// A name people recognise: "5А, СОШ № 3", "СОШ № 3, 5 класс", the school's name, ...
    pub fn entity_name(&self, level: Level, e: u32) -> String {
        match level {
            Level::Class => {
                let c = &self.classes[e as usize];
                format!("{}, {}", c.name, self.schools[c.school as usize].name)
            }
            Level::Grade => {
                let g = self.grades[e as usize];
                format!(
                    "{}, {} класс",
                    self.schools[g.school as usize].name, g.grade
                )
            }
            Level::Teacher => {
                let t = &self.teachers[e as usize];
                format!("{}, {}", t.id, self.schools[t.school as usize].name)
            }
            Level::School => self.schools[e as usize].name.clone(),
            Level::Municipality => self.municipalities[e as usize].name.clone(),
            Level::Region => "Регион".to_owned(),
            Level::Student => {
                // oko holds no names of children: the class and school (the id is beside it).
                let c = &self.classes[self.students.class[e as usize] as usize];
                format!("{}, {}", c.name, self.schools[c.school as usize].name)
            }
        }
    }
}
