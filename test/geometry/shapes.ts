// The geometries the geometry and distance-field tests share: one of every kind (primitives
// in one to three dimensions, polygons of both orientations, each set operation, space × time).
import {
  Ball,
  Box,
  difference,
  Disk,
  type Geometry,
  intersection,
  Interval,
  Polygon,
  Rectangle,
  SpaceTime,
  union,
} from '../../dist/index.js';

export const L = new Polygon([
  [0, 0],
  [2, 0],
  [2, 1],
  [1, 1],
  [1, 2],
  [0, 2],
]);
export const GEOMETRIES: [string, Geometry][] = [
  ['interval', new Interval(-1, 2)],
  ['rectangle', new Rectangle([0, 0], [2, 1])],
  ['box 3-D', new Box([0, 0, 0], [1, 2, 3])],
  ['disk', new Disk([0.5, -0.5], 2)],
  ['ball 3-D', new Ball([0, 0, 0], 1)],
  ['L-shaped polygon', L],
  [
    'clockwise triangle',
    new Polygon([
      [0, 0],
      [0, 1],
      [1, 0],
    ]),
  ],
  ['union of a square and a disk', union(new Rectangle([0, 0], [1, 1]), new Disk([1, 0.5], 0.4))],
  ['square minus a disk', difference(new Rectangle([-1, -1], [1, 1]), new Disk([0, 0], 0.5))],
  ['intersection of two disks', intersection(new Disk([0, 0], 1), new Disk([1, 0], 1))],
  ['square × time', new SpaceTime(new Rectangle([0, 0], [1, 1]), 0, 2)],
];
