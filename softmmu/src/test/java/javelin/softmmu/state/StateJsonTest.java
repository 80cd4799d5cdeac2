package javelin.softmmu.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A made-up component, "widget", whose record went through three versions: version 1 called
 * {@code name} {@code label}; version 3 added {@code items}, which version 2 did not have (an
 * empty list means what version 2 did).
 */
class StateJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "widget";

    record Widget(int version, String name, List<Integer> items) {
        static final int VERSION = 3;
        static final Map<Integer, StateUpgrader> UPGRADES = Map.of(1, Widget::fromVersion1, 2, Widget::fromVersion2);

        Widget {
            if (version != VERSION) throw new SnapshotFormatException(ID, "version", "unsupported " + version);
            if (name == null || name.isEmpty()) throw new SnapshotFormatException(ID, "name", "empty");
            items = List.copyOf(items);
        }

        static void fromVersion1(ObjectNode state) {
            JsonNode label = state.remove("label");
            if (label == null) throw new SnapshotFormatException(ID, "label", "missing");
            state.set("name", label);
            state.put("version", 2);
        }

        static void fromVersion2(ObjectNode state) {
            state.putArray("items");
            state.put("version", 3);
        }
    }

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    private static Widget read(String json) throws Exception {
        return StateJson.read(JSON, tree(json), Widget.class, Widget.VERSION, Widget.UPGRADES, ID);
    }

    private static SnapshotFormatException refused(String json) {
        return assertThrows(SnapshotFormatException.class, () -> read(json));
    }

    @Nested
    class Upgrades {
        @Test
        void theCurrentVersionBindsAsItIs() throws Exception {
            assertEquals(new Widget(3, "w", List.of(1, 2)), read("{'version':3,'name':'w','items':[1,2]}"));
        }

        @Test
        void version1GoesThroughEveryStepInOrder() throws Exception {
            assertEquals(new Widget(3, "w", List.of()), read("{'version':1,'label':'w'}"));
        }

        @Test
        void version2TakesOnlyTheLastStep() throws Exception {
            assertEquals(new Widget(3, "w", List.of()), read("{'version':2,'name':'w'}"));
        }

        @Test
        void theCallersTreeIsLeftAlone() throws Exception {
            JsonNode old = tree("{'version':1,'label':'w'}");
            JsonNode copy = old.deepCopy();
            StateJson.read(JSON, old, Widget.class, Widget.VERSION, Widget.UPGRADES, ID);
            assertEquals(copy, old);
        }
    }

    @Nested
    class Refusals {
        @Test
        void aNewerVersionIsRefusedNamingTheComponent() {
            SnapshotFormatException e = refused("{'version':4,'name':'w','items':[]}");
            assertEquals(ID, e.component());
            assertEquals("version", e.field());
            assertTrue(e.getMessage().contains("newer"), e.getMessage());
        }

        @Test
        void aMissingVersionIsRefused() {
            SnapshotFormatException e = refused("{'name':'w','items':[]}");
            assertEquals(ID, e.component());
            assertEquals("version", e.field());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }

        @Test
        void aVersionThatIsNotAPositiveIntegerIsRefused() {
            assertEquals("version", refused("{'version':'3','name':'w','items':[]}").field());
            assertEquals("version", refused("{'version':2.5,'name':'w'}").field());
            assertEquals("version", refused("{'version':0,'name':'w'}").field());
            assertEquals("version", refused("{'version':null,'name':'w'}").field());
        }

        @Test
        void aGapInTheChainIsRefused() {
            Map<Integer, StateUpgrader> onlyTheFirst = Map.of(1, Widget::fromVersion1);
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> StateJson.read(JSON,
                    tree("{'version':1,'label':'w'}"), Widget.class, Widget.VERSION, onlyTheFirst, ID));
            assertEquals(ID, e.component());
            assertTrue(e.getMessage().contains("no upgrader from version 2 to 3"), e.getMessage());
        }

        @Test
        void anUpgradersOwnRefusalComesThrough() {
            SnapshotFormatException e = refused("{'version':1,'name':'w'}");
            assertEquals("label", e.field());
        }

        @Test
        void anUpgraderThatTripsOverABadTreeIsReportedAsABadSnapshot() {
            Map<Integer, StateUpgrader> upgrades = new HashMap<>(Widget.UPGRADES);
            upgrades.put(2, state -> ((ObjectNode) state.get("name")).put("x", 1));   // name is text, not an object
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> StateJson.read(JSON,
                    tree("{'version':2,'name':'w'}"), Widget.class, Widget.VERSION, upgrades, ID));
            assertEquals(ID, e.component());
            assertTrue(e.getCause() instanceof ClassCastException, String.valueOf(e.getCause()));
        }

        @Test
        void anUpgraderThatForgetsTheVersionIsAProgrammingError() {
            Map<Integer, StateUpgrader> upgrades = Map.of(1, Widget::fromVersion1, 2, state -> state.putArray("items"));
            assertThrows(IllegalStateException.class, () -> StateJson.read(JSON,
                    tree("{'version':2,'name':'w'}"), Widget.class, Widget.VERSION, upgrades, ID));
        }

        @Test
        void theRecordsOwnValidationComesThroughUnwrapped() {
            SnapshotFormatException e = refused("{'version':3,'name':'','items':[]}");
            assertEquals("name", e.field());
        }

        @Test
        void aTreeThatDoesNotBindIsRefusedNamingTheComponent() {
            SnapshotFormatException e = refused("{'version':3,'name':'w','items':'many'}");
            assertEquals(ID, e.component());
            SnapshotFormatException unknown = refused("{'version':3,'name':'w','items':[],'colour':1}");
            assertEquals(ID, unknown.component());
        }

        @Test
        void aTreeThatIsNotAnObjectIsRefused() {
            assertEquals(ID, refused("[3]").component());
        }
    }

    @Test
    void theCurrentVersionNeedsNoUpgraders() throws Exception {
        Widget w = StateJson.read(JSON, tree("{'version':3,'name':'w','items':[7]}"), Widget.class, Widget.VERSION, Map.of(), ID);
        assertEquals(new Widget(3, "w", List.of(7)), w);
    }
}
